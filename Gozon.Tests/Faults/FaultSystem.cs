using Gozon.AppHost.Hosting;
using Gozon.AppHost.Testing;
using Gozon.Tests.Infrastructure;
using Npgsql;
using RabbitMQ.Client;

namespace Gozon.Tests.Faults;

/// <summary>
/// A whole Gozon system of its own for one fault scenario (2 Orders + 2 Payments replicas, fresh databases),
/// so faults never disturb the shared system of the other tests. Counts the supervisor's restarts.
/// </summary>
public sealed class FaultSystem : IAsyncDisposable
{
    private readonly DistributedApplication _app;
    private int _restarts;

    private FaultSystem(DistributedApplication app, HttpClient gateway)
    {
        _app = app;
        Gateway = gateway;
        _app.ResourceNotifications.SnapshotChanged += (current, previous) =>
        {
            if (current.State == ResourceState.Restarting && previous?.State != ResourceState.Restarting)
            {
                Interlocked.Increment(ref _restarts);
            }
        };
    }

    public HttpClient Gateway { get; }

    public DistributedApplication App => _app;

    /// <summary>Service processes the supervisor restarted after they died.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <param name="settings">Environment for one service's processes, e.g. <c>("payments", "Gozon__Faults__CrashAt", "…")</c>.</param>
    public static async Task<FaultSystem> StartAsync(string scenario, params (string Service, string Variable, string Value)[] settings)
    {
        var log = Path.Combine(GozonAppFixture.TestResultsDirectory, $"faults-{scenario}.log");
        File.Delete(log);
        var app = await DistributedApplicationTestingBuilder.CreateAsync(
            [$"--{AppHostSettings.ProjectBinariesKey}={AppContext.BaseDirectory}"],
            builder =>
            {
                builder.WithReplicas("orders", 2).WithReplicas("payments", 2).WriteLogsToFile(log);
                foreach (var (service, variable, value) in settings)
                {
                    builder.WithEnvironment(service, variable, value);
                }
            });
        await app.StartAsync();
        var gateway = new HttpClient { BaseAddress = app.GetEndpoint("gateway"), Timeout = TimeSpan.FromSeconds(15) };
        return new FaultSystem(app, gateway);
    }

    public async Task WaitForHealthyAsync(string resource)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _app.WaitForResourceHealthyAsync(resource, deadline.Token);
    }

    public async Task<NpgsqlDataSource> OpenDatabaseAsync(string name) =>
        NpgsqlDataSource.Create(await _app.GetConnectionStringAsync(name) ?? throw new InvalidOperationException(name));

    public async Task<IConnection> ConnectBrokerAsync() =>
        await new ConnectionFactory { Uri = new Uri((await _app.GetConnectionStringAsync("rabbitmq"))!) }.CreateConnectionAsync();

    public async ValueTask DisposeAsync()
    {
        Gateway.Dispose();
        await _app.DisposeAsync();
    }
}
