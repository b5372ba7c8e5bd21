namespace Gozon.Testing;

/// <summary>How a harness starts the Gozon AppHost: infrastructure, replicas, extra environment, where the logs go.</summary>
public sealed record GozonAppOptions
{
    /// <summary>Environment variable that picks the infrastructure of every harness run (default <c>Process</c>).</summary>
    public const string InfrastructureVariable = "GOZON_TEST_INFRASTRUCTURE";

    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromMinutes(3);

    private const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public string Infrastructure { get; init; } =
        System.Environment.GetEnvironmentVariable(InfrastructureVariable) is { Length: > 0 } configured ? configured : "Process";

    public IReadOnlyDictionary<string, int> Replicas { get; init; } = new Dictionary<string, int>();

    /// <summary>Extra environment per project, e.g. <c>("payments", "Gozon__Faults__CrashAt", "…")</c>.</summary>
    public IReadOnlyList<(string Project, string Variable, string Value)> Environment { get; init; } = [];

    /// <summary>Extra AppHost configuration, e.g. <c>["Gozon:Database:MaxConnections"] = "80"</c>.</summary>
    public IReadOnlyDictionary<string, string> Configuration { get; init; } = new Dictionary<string, string>();

    /// <summary>The AppHost's log and every resource's output; <c>null</c> = the console.</summary>
    public string? LogPath { get; init; }

    public TimeSpan StartupTimeout { get; init; } = DefaultStartupTimeout;

    /// <summary>The AppHost's command line for these options: free ports, a fresh state folder, no volumes.</summary>
    internal IEnumerable<string> ToArguments(string stateDirectory)
    {
        yield return $"--Gozon:Infrastructure={Infrastructure}";
        yield return $"--Gozon:StateDirectory={stateDirectory}";
        yield return "--Gozon:PersistentData=false";
        yield return "--Gozon:Ports:Gateway=0";
        yield return "--Gozon:Ports:Web=0";
        foreach (var (key, value) in Configuration)
        {
            yield return $"--{key}={value}";
        }

        foreach (var (project, replicas) in Replicas)
        {
            yield return $"--Gozon:Replicas:{project}={replicas}";
        }

        // Without a dashboard, Aspire still points every project's OTLP exporter at the dashboard's usual address, and
        // the exporter keeps what it cannot send in memory to retry (measured: ~80 MB more RSS per service in the bench).
        // A harness that wants the telemetry names its own endpoint in Environment.
        string[] projects = ["orders", "payments", "gateway", "web"];
        foreach (var project in projects.Where(p => !Environment.Any(e => e.Project == p && e.Variable == OtlpEndpointVariable)))
        {
            yield return $"--Gozon:Environment:{project}:{OtlpEndpointVariable}=";
        }

        // Every harness client signs in from 127.0.0.1: the per-address limit of register and login would stop the suite.
        // A test of that limit sets its own (a later argument wins).
        yield return "--Gozon:Environment:gateway:Gozon__Identity__RateLimits__PerAddress__PermitLimit=1000000";

        foreach (var (project, variable, value) in Environment)
        {
            yield return $"--Gozon:Environment:{project}:{variable}={value}";
        }
    }
}
