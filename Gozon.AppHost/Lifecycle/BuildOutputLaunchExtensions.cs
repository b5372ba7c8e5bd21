using System.Reflection;

namespace Gozon.AppHost.Lifecycle;

public static class BuildOutputLaunchExtensions
{
    /// <summary>
    /// Starts the project as <c>dotnet exec</c> of its build output instead of DCP's default <c>dotnet run --no-build</c>.
    /// <c>dotnet run</c> evaluates the project with MSBuild on every start (seconds of CPU on two cores, each time the
    /// restart policy brings a replica back) and stays resident beside the service as its parent (about 150 MB a
    /// replica), between the signals DCP sends and the service. The AppHost builds its projects, in its own
    /// configuration, before it runs (<c>dotnet run</c> and the tests both do), so the output is current.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuildOutputLaunch(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var projectPath = builder.Resource.GetProjectMetadata().ProjectPath;
        var assembly = Path.Combine(
            Path.GetDirectoryName(projectPath)!, "bin", BuildConfiguration, "net10.0", Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        // Launch tool arguments are evaluation-only in Aspire 13.6; they are the model's own way to say how a project starts.
#pragma warning disable ASPIREEXTENSION001
        return builder.WithLaunchToolArgs(context =>
        {
            if (!File.Exists(assembly))
            {
                throw new DistributedApplicationException(
                    $"{assembly} is missing: build the solution in {BuildConfiguration} first (dotnet build -c {BuildConfiguration}).");
            }

            context.Args.Add("exec");
            context.Args.Add(assembly);
        }, showInCommandLine: true);
#pragma warning restore ASPIREEXTENSION001
    }

    // The projects are built with the AppHost (they are its project references), so its configuration is theirs.
    private static string BuildConfiguration { get; } =
        typeof(BuildOutputLaunchExtensions).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
}
