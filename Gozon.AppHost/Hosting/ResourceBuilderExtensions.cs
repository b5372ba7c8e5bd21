using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost.Hosting;

/// <summary>Relations between resources: references, start ordering, replicas and endpoints.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Injects the source's connection string or service endpoints into the project.</summary>
    public static IResourceBuilder<ProjectResource> WithReference(
        this IResourceBuilder<ProjectResource> builder, IResourceBuilder<IResource> source)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        if (source.Resource is not (IResourceWithConnectionString or ProjectResource))
        {
            throw new ArgumentException($"Resource '{source.Resource.Name}' cannot be referenced.", nameof(source));
        }

        builder.Resource.AddReference(source.Resource);
        return builder;
    }

    /// <summary>Delays the start of <paramref name="builder"/> until <paramref name="dependency"/> is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        builder.Resource.AddWaitFor(dependency.Resource);
        return builder;
    }

    /// <summary>Fixes the HTTP port of the first replica; <c>null</c> or 0 picks a free port.</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(this IResourceBuilder<ProjectResource> builder, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (port is < 0 or > 65535)
        {
            throw new ArgumentOutOfRangeException(nameof(port), port, "Port must be between 0 and 65535.");
        }

        builder.Resource.HttpPort = port;
        return builder;
    }

    /// <summary>Runs <paramref name="replicas"/> processes of the project (config <c>Gozon:Replicas:{name}</c> wins).</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    /// <summary>Sets the replica count of a project by name, before or after it is added.</summary>
    public static IDistributedApplicationBuilder WithReplicas(this IDistributedApplicationBuilder builder, string resourceName, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Configuration[$"{AppHostSettings.ReplicasSection}:{resourceName}"] =
            replicas.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return builder;
    }

    /// <summary>
    /// Adds an environment variable to every process of a project by name (config
    /// <c>Gozon:Environment:{name}:{variable}</c>, so it also works from the command line).
    /// </summary>
    public static IDistributedApplicationBuilder WithEnvironment(
        this IDistributedApplicationBuilder builder, string resourceName, string variable, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(resourceName);
        ArgumentException.ThrowIfNullOrWhiteSpace(variable);
        builder.Configuration[$"{AppHostSettings.EnvironmentSection}:{resourceName}:{variable}"] = value;
        return builder;
    }
}
