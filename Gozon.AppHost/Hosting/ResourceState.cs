namespace Gozon.AppHost.Hosting;

/// <summary>Lifecycle of one replica of a resource.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Restarting,
    Stopping,
    Stopped,
    FailedToStart,
}
