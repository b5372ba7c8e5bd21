using System.Globalization;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// <c>mcr.microsoft.com/dotnet/aspire-dashboard</c>, unsecured: UI on host port 18888 and OTLP/gRPC on 18889
/// (other free ports, remembered in the state folder, when those are taken); every project exports telemetry to it.
/// </summary>
internal sealed class DashboardContainerRunner(RunnerContext context)
    : ContainerRunner(new DashboardResource(), "Dashboard (container)", context)
{
    private const int UiPort = 18888;
    private const int OtlpPort = 18889;
    private int _uiPort;
    private int _otlpPort;

    /// <summary>Known once the dashboard is prepared, i.e. before any project starts (they wait for it).</summary>
    public string? OtlpEndpoint => _otlpPort == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_otlpPort}");

    protected override string Image => "mcr.microsoft.com/dotnet/aspire-dashboard:latest";

    protected override string? GetDisplayUrl() => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_uiPort} (OTLP {OtlpEndpoint})");

    protected override Task PrepareContainerAsync(CancellationToken cancellationToken)
    {
        _uiPort = Context.Ports.TryClaim(UiPort) ? UiPort : Context.State.GetOrCreatePort("dashboard-ui");
        _otlpPort = Context.Ports.TryClaim(OtlpPort) ? OtlpPort : Context.State.GetOrCreatePort("dashboard-otlp");
        return Task.CompletedTask;
    }

    protected override IEnumerable<string> GetRunArguments() =>
    [
        .. Publish(_uiPort, UiPort),
        .. Publish(_otlpPort, OtlpPort),
        .. Env("DASHBOARD__FRONTEND__AUTHMODE", "Unsecured"),
        .. Env("DASHBOARD__OTLP__AUTHMODE", "Unsecured"),
    ];

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        var client = Context.HttpClientFactory.CreateClient(nameof(DashboardContainerRunner));
        var ui = new Uri(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_uiPort}/"));
        using var response = await client.GetAsync(ui, cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode < 500;
    }
}
