using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost.Hosting;

/// <summary>The <c>Gozon:*</c> configuration keys the AppHost understands.</summary>
public sealed class AppHostSettings
{
    public const string InfrastructureKey = "Gozon:Infrastructure";
    public const string StateDirectoryKey = "Gozon:StateDirectory";
    public const string ReplicasSection = "Gozon:Replicas";
    public const string OtlpEndpointKey = "Gozon:Otlp:Endpoint";
    public const string OtlpProtocolKey = "Gozon:Otlp:Protocol";
    public const string StartupTimeoutKey = "Gozon:StartupTimeout";
    public const string StopTimeoutKey = "Gozon:StopTimeout";
    public const string ProjectBinariesKey = "Gozon:ProjectBinaries";

    /// <summary><c>Gozon:Environment:{project}:{VARIABLE}</c>: extra environment for one project's processes.</summary>
    public const string EnvironmentSection = "Gozon:Environment";

    public required InfrastructureMode Infrastructure { get; init; }

    public required string StateDirectory { get; init; }

    public string? OtlpEndpoint { get; init; }

    public string OtlpProtocol { get; init; } = "grpc";

    /// <summary>How long <see cref="DistributedApplication.StartAsync(CancellationToken)"/> waits for health; <c>null</c> = forever.</summary>
    public TimeSpan? StartupTimeout { get; init; }

    /// <summary>Grace period between SIGTERM and SIGKILL.</summary>
    public TimeSpan StopTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Where to load the projects' assemblies from instead of their own bin folders, e.g. the test output
    /// directory, whose assemblies the coverage collector instruments; <c>null</c> = each project's bin.
    /// </summary>
    public string? ProjectBinariesDirectory { get; init; }

    /// <summary>Extra environment variables per project name, e.g. crash points for fault-injection runs.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> ProjectEnvironment { get; init; } =
        new Dictionary<string, IReadOnlyDictionary<string, string>>();

    public static AppHostSettings FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var modeText = configuration[InfrastructureKey];
        var mode = InfrastructureMode.Auto;
        if (!string.IsNullOrWhiteSpace(modeText) && !Enum.TryParse(modeText, ignoreCase: true, out mode))
        {
            throw new DistributedApplicationException(
                $"{InfrastructureKey} = '{modeText}' is not one of Auto, Process, Container, External.");
        }

        var state = configuration[StateDirectoryKey];
        state = string.IsNullOrWhiteSpace(state)
            ? Path.Combine(BuildInfo.RepositoryRoot, ".gozon", "state")
            : Path.GetFullPath(state);

        return new AppHostSettings
        {
            Infrastructure = mode,
            StateDirectory = state,
            OtlpEndpoint = NullIfEmpty(configuration[OtlpEndpointKey]),
            OtlpProtocol = NullIfEmpty(configuration[OtlpProtocolKey]) ?? "grpc",
            StartupTimeout = ParseSeconds(configuration[StartupTimeoutKey]),
            StopTimeout = ParseSeconds(configuration[StopTimeoutKey]) ?? TimeSpan.FromSeconds(10),
            ProjectBinariesDirectory = NullIfEmpty(configuration[ProjectBinariesKey]),
            ProjectEnvironment = configuration.GetSection(EnvironmentSection).GetChildren().ToDictionary(
                project => project.Key,
                project => (IReadOnlyDictionary<string, string>)project.GetChildren()
                    .Where(variable => variable.Value is not null)
                    .ToDictionary(variable => variable.Key, variable => variable.Value!, StringComparer.Ordinal),
                StringComparer.OrdinalIgnoreCase),
        };
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static TimeSpan? ParseSeconds(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : TimeSpan.TryParse(value, CultureInfo.InvariantCulture, out var span) && value.Contains(':') ? span
        : TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
}
