using System.Globalization;
using Gozon.Testing;

namespace Gozon.Bench;

public sealed record ServiceMemory(string Replica, int ProcessId, double RssMb, double PeakRssMb);

/// <summary>
/// The Gozon the bench drives: one it starts itself through the AppHost under Aspire.Hosting.Testing (Release
/// build, the chosen infrastructure, free ports, a fresh state folder, the system's log in a file), or one
/// already running at <see cref="BenchOptions.Url"/>.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    private static readonly string[] Services = ["orders", "payments", "gateway"];
    private static readonly string[] ServiceProjects = ["orders", "payments", "gateway", "web"];
    private readonly GozonApp? _app;

    private SystemUnderTest(Uri gateway, string? postgres, GozonApp? app)
    {
        Gateway = gateway;
        PostgresConnectionString = postgres;
        _app = app;
    }

    public Uri Gateway { get; }

    /// <summary>The server (no database) connection string, for pgbench; null when unknown.</summary>
    public string? PostgresConnectionString { get; }

    public static async Task<SystemUnderTest> StartOrConnectAsync(BenchOptions options, string logPath, ProgressLine progress, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrWhiteSpace(options.Url))
        {
            progress.Line($"system: using the running Gozon at {options.Url}");
            return new SystemUnderTest(new Uri(options.Url), options.Postgres, app: null);
        }

        progress.Line($"system: starting PostgreSQL and RabbitMQ ({options.Infrastructure}) and the services (log: {logPath})");
        // Measured as deployed: the AppHost runs projects in Development, as Aspire does, and deploy/ in Production.
        var production = ServiceProjects
            .SelectMany(project => new[] { (project, "ASPNETCORE_ENVIRONMENT", "Production"), (project, "DOTNET_ENVIRONMENT", "Production") });
        var app = await GozonApp.StartAsync(new GozonAppOptions
        {
            Infrastructure = options.Infrastructure,
            Replicas = ParseReplicas(options.Replicas).ToDictionary(r => r.Name, r => r.Count),
            // The harness raises the gateway's per-address sign-in limit (20 a minute): every bench user signs in from here.
            Environment = [.. production, .. ParseEnvironment(options.ServiceEnvironment)],
            LogPath = logPath,
        }, cancellationToken);

        var postgres = await app.GetConnectionStringAsync("postgres", cancellationToken);
        progress.Line($"system: healthy; gateway {app.GetEndpoint("gateway")}");
        return new SystemUnderTest(app.GetEndpoint("gateway"), postgres, app);
    }

    /// <summary>Resident and peak memory of every service replica (only for a system the bench started).</summary>
    public IReadOnlyList<ServiceMemory> ReadMemory()
    {
        if (_app is null)
        {
            return [];
        }

        var result = new List<ServiceMemory>();
        foreach (var service in Services)
        {
            foreach (var (replica, index) in _app.Replicas(service).Select((r, i) => (r, i)))
            {
                if (replica.ServiceProcessId is { } pid)
                {
                    result.Add(new ServiceMemory($"{service}-{index}", pid,
                        (ReplicaProcess.ResidentBytes(pid) ?? 0) / 1048576.0, (ReplicaProcess.PeakResidentBytes(pid) ?? 0) / 1048576.0));
                }
            }
        }

        return result;
    }

    private static IEnumerable<(string Project, string Variable, string Value)> ParseEnvironment(string? text)
    {
        foreach (var pair in (text ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            if (separator < 1)
            {
                throw new ArgumentException($"ServiceEnvironment: '{pair}' is not VAR=value.");
            }

            foreach (var project in ServiceProjects)
            {
                yield return (project, pair[..separator], pair[(separator + 1)..]);
            }
        }
    }

    private static IEnumerable<(string Name, int Count)> ParseReplicas(string? text) =>
        (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (parts[0], int.Parse(parts[1], CultureInfo.InvariantCulture)));

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}
