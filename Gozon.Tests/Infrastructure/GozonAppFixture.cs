using Gozon.Testing;
using Gozon.Tests.Support;

namespace Gozon.Tests.Infrastructure;

/// <summary>
/// Starts the whole Gozon system once per test run through the AppHost (PostgreSQL, RabbitMQ, orders x2,
/// payments x2, gateway, web; free ports, state in a temp folder) and stops it at the end.
/// System output goes to <see cref="LogPath"/> (default <c>Gozon.Tests/TestResults/gozon-system.log</c>,
/// env <c>GOZON_TEST_LOG</c>), not to the test output.
/// </summary>
public sealed class GozonAppFixture : IAsyncLifetime
{
    public const int OrdersReplicas = 2;
    public const int PaymentsReplicas = 2;
    private GozonApp? _app;
    private HttpClient? _gateway;
    private OtlpTraceReceiver? _traces;

    /// <summary>Artifacts of a run: the system log, browser screenshots.</summary>
    public static string TestResultsDirectory { get; } = Path.Combine(RepositoryPaths.Root, "Gozon.Tests", "TestResults");

    public static string LogPath { get; } = Environment.GetEnvironmentVariable("GOZON_TEST_LOG") is { Length: > 0 } configured
        ? Path.GetFullPath(configured)
        : Path.Combine(TestResultsDirectory, "gozon-system.log");

    public GozonApp App => _app ?? throw new InvalidOperationException("The Gozon system is not started.");

    /// <summary>The browser front end's address.</summary>
    public Uri Web => App.GetEndpoint("web");

    /// <summary>Client for the YARP gateway whose requests' <c>X-User-Id</c> shoppers are signed in (<see cref="GozonApp.CreateGatewayClient"/>).</summary>
    public HttpClient Gateway => _gateway ?? throw new InvalidOperationException("The Gozon system is not started.");

    /// <summary>The spans every service exports (OTLP/HTTP), as the dashboard would receive them.</summary>
    public OtlpTraceReceiver Traces => _traces ?? throw new InvalidOperationException("The Gozon system is not started.");

    public async Task InitializeAsync()
    {
        _traces = new OtlpTraceReceiver();
        string[] services = ["orders", "payments", "gateway", "web"];
        _app = await GozonApp.StartAsync(new GozonAppOptions
        {
            Replicas = new Dictionary<string, int> { ["orders"] = OrdersReplicas, ["payments"] = PaymentsReplicas },
            Environment = [.. services.SelectMany(service => new[]
            {
                (service, "OTEL_EXPORTER_OTLP_ENDPOINT", _traces.Endpoint.ToString()),
                (service, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
                (service, "OTEL_BSP_SCHEDULE_DELAY", "1000"),
            })],
            LogPath = LogPath,
        });

        _gateway = _app.CreateGatewayClient(TimeSpan.FromSeconds(30));
    }

    public async Task DisposeAsync()
    {
        _gateway?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _traces?.Dispose();
    }

    /// <summary>Connection string of <c>orders-db</c>, <c>payments-db</c>, <c>postgres</c> or <c>rabbitmq</c>.</summary>
    public Task<string> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        App.GetConnectionStringAsync(resourceName, cancellationToken);

    public Task<string> GetOrdersDbConnectionStringAsync() => GetConnectionStringAsync("orders-db");

    public Task<string> GetPaymentsDbConnectionStringAsync() => GetConnectionStringAsync("payments-db");

    public Task<string> GetRabbitMqConnectionStringAsync() => GetConnectionStringAsync("rabbitmq");

    /// <summary>A user id no other test (or earlier run) uses, so tests never share accounts.</summary>
    public string NewUserId() => $"user-{Guid.NewGuid():N}";
}
