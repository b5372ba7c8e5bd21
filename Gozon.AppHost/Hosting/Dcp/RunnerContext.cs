using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Everything a resource runner needs from the AppHost.</summary>
internal sealed class RunnerContext(
    AppHostSettings settings,
    StateStore state,
    PortAllocator ports,
    ProcessLauncher launcher,
    ResourceNotificationService notifications,
    ResourceLoggerService resourceLogs,
    ILoggerFactory loggerFactory,
    IHttpClientFactory httpClientFactory)
{
    public AppHostSettings Settings { get; } = settings;

    public StateStore State { get; } = state;

    public PortAllocator Ports { get; } = ports;

    public ProcessLauncher Launcher { get; } = launcher;

    public ResourceNotificationService Notifications { get; } = notifications;

    public ResourceLoggerService ResourceLogs { get; } = resourceLogs;

    public ILoggerFactory LoggerFactory { get; } = loggerFactory;

    public IHttpClientFactory HttpClientFactory { get; } = httpClientFactory;

    /// <summary>Set by the orchestrator once all runners exist: resolves references between resources.</summary>
    public IResourceRunnerLookup Runners { get; set; } = null!;
}
