using Gozon.AppHost.Hosting;
using Gozon.AppHost.Testing;

namespace Gozon.Tests.Infrastructure;

/// <summary>
/// Starts the whole Gozon system once per test run (PostgreSQL, RabbitMQ, orders x2, payments x2,
/// gateway, web; all on free ports, state in a temp folder) and stops it at the end.
/// System output goes to <see cref="LogPath"/> (default <c>Gozon.Tests/TestResults/gozon-system.log</c>,
/// env <c>GOZON_TEST_LOG</c>), not to the test output.
/// </summary>
public sealed class GozonAppFixture : IAsyncLifetime
{
    public const int OrdersReplicas = 2;
    public const int PaymentsReplicas = 2;
    private DistributedApplication? _app;
    private HttpClient? _gateway;

    /// <summary>Artifacts of a run: the system log, browser screenshots.</summary>
    public static string TestResultsDirectory { get; } = Path.Combine(BuildInfo.RepositoryRoot, "Gozon.Tests", "TestResults");

    public static string LogPath { get; } = Environment.GetEnvironmentVariable("GOZON_TEST_LOG") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(TestResultsDirectory, "gozon-system.log");

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The Gozon system is not started.");

    /// <summary>The browser front end's address.</summary>
    public Uri Web => App.GetEndpoint("web");

    /// <summary>Client for the YARP gateway (base address = gateway endpoint).</summary>
    public HttpClient Gateway => _gateway ?? throw new InvalidOperationException("The Gozon system is not started.");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(LogPath)!);
        File.Delete(LogPath);
        // Services load their assemblies from the test output, which the coverage collector instruments,
        // so the line coverage of the service processes is measured too.
        _app = await DistributedApplicationTestingBuilder.CreateAsync(
            [$"--{AppHostSettings.ProjectBinariesKey}={AppContext.BaseDirectory}"],
            builder => builder
                .WithReplicas("orders", OrdersReplicas)
                .WithReplicas("payments", PaymentsReplicas)
                .WriteLogsToFile(LogPath));
        try
        {
            await _app.StartAsync();
        }
        catch (DistributedApplicationException ex)
        {
            throw new InvalidOperationException($"The Gozon system did not start (full log: {LogPath}).{Environment.NewLine}{ex.Message}", ex);
        }

        // UTF-8 request headers, so tests can also send the malformed (non-ASCII) input the API must reject.
        _gateway = new HttpClient(new SocketsHttpHandler { RequestHeaderEncodingSelector = (_, _) => System.Text.Encoding.UTF8 })
        {
            BaseAddress = _app.GetEndpoint("gateway"),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    public async Task DisposeAsync()
    {
        _gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>Connection string of <c>orders-db</c>, <c>payments-db</c>, <c>postgres</c> or <c>rabbitmq</c>.</summary>
    public async Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        await App.GetConnectionStringAsync(resourceName, cancellationToken)
        ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string.");

    public Task<string> GetOrdersDbConnectionStringAsync() => GetConnectionStringAsync("orders-db");

    public Task<string> GetPaymentsDbConnectionStringAsync() => GetConnectionStringAsync("payments-db");

    public Task<string> GetRabbitMqConnectionStringAsync() => GetConnectionStringAsync("rabbitmq");

    /// <summary>A user id no other test (or earlier run) uses, so tests never share accounts.</summary>
    public string NewUserId() => $"user-{Guid.NewGuid():N}";

    /// <summary>SIGKILLs a replica; the AppHost restarts it. Wait for recovery with <see cref="WaitForHealthyAsync"/>.</summary>
    public Task KillAsync(string resourceName, int replica = 0) => App.KillAsync(resourceName, replica);

    public Task StopResourceAsync(string resourceName) => App.StopAsync(resourceName);

    public Task StartResourceAsync(string resourceName) => App.StartAsync(resourceName);

    public async Task WaitForHealthyAsync(string resourceName, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromMinutes(1));
        await App.WaitForResourceHealthyAsync(resourceName, cts.Token);
    }
}
