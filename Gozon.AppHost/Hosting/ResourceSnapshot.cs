namespace Gozon.AppHost.Hosting;

/// <summary>What the AppHost knows about one replica of a resource right now.</summary>
public sealed record ResourceSnapshot(
    string ResourceName,
    string ReplicaName,
    int Replica,
    string Kind,
    ResourceState State,
    HealthStatus Health,
    string? Url,
    int? ProcessId,
    int? ExitCode,
    string? Error)
{
    public bool IsHealthy => State == ResourceState.Running && Health == HealthStatus.Healthy;
}
