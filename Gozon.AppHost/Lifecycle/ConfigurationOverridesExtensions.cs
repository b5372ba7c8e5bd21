using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost.Lifecycle;

/// <summary>
/// Settings of a project that the command line (or a test) may change without editing <c>Program.cs</c>:
/// <c>--replicas payments=3,orders=2</c> or <c>--Gozon:Replicas:payments=3</c>, and
/// <c>--Gozon:Environment:payments:Gozon__Faults__CrashAt=...</c> for extra environment variables.
/// </summary>
public static class ConfigurationOverridesExtensions
{
    public const string ReplicasKey = "replicas";
    public const string ReplicasSection = "Gozon:Replicas";
    public const string EnvironmentSection = "Gozon:Environment";

    public static IResourceBuilder<ProjectResource> WithConfigurationOverrides(this IResourceBuilder<ProjectResource> builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var configuration = builder.ApplicationBuilder.Configuration;
        var name = builder.Resource.Name;
        if (ReplicasFor(configuration, name) is { } replicas)
        {
            builder.WithReplicas(replicas);
        }

        foreach (var variable in configuration.GetSection($"{EnvironmentSection}:{name}").GetChildren())
        {
            if (variable.Value is { } value)
            {
                builder.WithEnvironment(variable.Key, value);
            }
        }

        return builder;
    }

    private static int? ReplicasFor(IConfiguration configuration, string name)
    {
        var fromList = (configuration[ReplicasKey] ?? "")
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2, StringSplitOptions.TrimEntries))
            .LastOrDefault(pair => string.Equals(pair[0], name, StringComparison.OrdinalIgnoreCase));
        var text = fromList is [_, var count] ? count : configuration[$"{ReplicasSection}:{name}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var replicas) && replicas is >= 1 and <= 16
            ? replicas
            : throw new DistributedApplicationException($"Replicas of '{name}' = '{text}': expected a whole number from 1 to 16.");
    }
}
