namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// <c>mcr.microsoft.com/dotnet/aspire-dashboard</c>, unsecured, UI on 18888 and OTLP/gRPC on 18889;
/// every project then exports telemetry to it.
/// </summary>
internal sealed class DashboardContainerRunner(RunnerContext context)
    : ContainerRunner(new DashboardResource(), "Dashboard (container)", context)
{
    private const int UiPort = 18888;
    private const int OtlpPort = 18889;

    public string OtlpEndpoint => $"http://127.0.0.1:{OtlpPort}";

    protected override string Image => "mcr.microsoft.com/dotnet/aspire-dashboard:latest";

    protected override string? GetDisplayUrl() => $"http://127.0.0.1:{UiPort}";

    protected override IEnumerable<string> GetRunArguments() =>
    [
        .. Publish(UiPort, 18888),
        .. Publish(OtlpPort, 18889),
        .. Env("DASHBOARD__FRONTEND__AUTHMODE", "Unsecured"),
        .. Env("DASHBOARD__OTLP__AUTHMODE", "Unsecured"),
    ];

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        var client = Context.HttpClientFactory.CreateClient(nameof(DashboardContainerRunner));
        using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{UiPort}/"), cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode < 500;
    }
}
