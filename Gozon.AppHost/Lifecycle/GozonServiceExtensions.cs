namespace Gozon.AppHost.Lifecycle;

public static class GozonServiceExtensions
{
    /// <summary>
    /// What every Gozon service gets: a launch from its build output, the runtime settings of <see cref="ServiceRuntime"/>, the AppHost's environment (the services have no launch profiles, and Gozon.Web
    /// serves the framework's static assets from their packages only in Development), a health check on
    /// <c>/health</c> for <c>WaitFor</c> and the dashboard, the restart policy, and command-line overrides.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AsGozonService(this IResourceBuilder<ProjectResource> builder, IDistributedApplicationBuilder application)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(application);
        foreach (var (variable, value) in ServiceRuntime.Environment)
        {
            builder.WithEnvironment(variable, value);
        }

        return builder
            .WithBuildOutputLaunch()
            .WithEnvironment("ASPNETCORE_ENVIRONMENT", application.Environment.EnvironmentName)
            .WithHttpHealthCheck("/health")
            .WithRestartPolicy()
            .WithConfigurationOverrides();
    }
}
