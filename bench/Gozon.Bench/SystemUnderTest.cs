using System.Globalization;
using Gozon.AppHost.Hosting;
using Gozon.AppHost.Testing;

namespace Gozon.Bench;

public sealed record ServiceMemory(string Replica, int ProcessId, double RssMb, double PeakRssMb);

/// <summary>
/// The Gozon the bench drives: one it starts itself through the AppHost's testing API (Release build,
/// Process infrastructure, free ports, a fresh temporary state folder, the system's log in a file), or
/// one already running at <see cref="BenchOptions.Url"/>.
/// </summary>
public sealed class SystemUnderTest : IAsyncDisposable
{
    private static readonly string[] Services = ["orders", "payments", "gateway"];
    private readonly DistributedApplication? _app;

    private SystemUnderTest(Uri gateway, string? postgres, DistributedApplication? app)
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

        progress.Line($"system: starting PostgreSQL, RabbitMQ and the services (log: {logPath})");
        var app = await DistributedApplicationTestingBuilder.CreateAsync([], builder =>
        {
            foreach (var (name, count) in ParseReplicas(options.Replicas))
            {
                builder.WithReplicas(name, count);
            }

            // Measured as deployed: the AppHost runs projects in Development, as Aspire does, and deploy/ in Production.
            foreach (var project in (string[])["orders", "payments", "gateway", "web"])
            {
                builder.WithEnvironment(project, "ASPNETCORE_ENVIRONMENT", "Production");
                builder.WithEnvironment(project, "DOTNET_ENVIRONMENT", "Production");
            }

            builder.WriteLogsToFile(logPath);
        }, cancellationToken);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

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
        foreach (var snapshot in _app.ResourceNotifications.GetSnapshots()
                     .Where(s => Services.Contains(s.ResourceName) && s.ProcessId is not null))
        {
            var status = File.Exists($"/proc/{snapshot.ProcessId}/status")
                ? File.ReadAllLines($"/proc/{snapshot.ProcessId}/status")
                : [];
            result.Add(new ServiceMemory(snapshot.ReplicaName, snapshot.ProcessId!.Value,
                KiloBytes(status, "VmRSS:") / 1024.0, KiloBytes(status, "VmHWM:") / 1024.0));
        }

        return result;
    }

    private static long KiloBytes(string[] status, string key) =>
        status.FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal)) is { } line
            ? long.Parse(line[key.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture)
            : 0;

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
