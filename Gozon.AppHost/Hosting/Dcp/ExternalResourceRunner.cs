namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Infrastructure that somebody else runs: a configured connection string, probed for health.</summary>
internal sealed class ExternalResourceRunner(
    IResource resource, string connectionString, Func<string, CancellationToken, Task<bool>> probe, RunnerContext context)
    : ResourceRunner(resource, "External", 1, context)
{
    public override Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        Task.FromResult<string?>(connectionString);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Stopped);
        return Task.CompletedTask;
    }

    protected override string? GetDisplayUrl() => "(configured connection string)";

    protected override Task LaunchAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Running);
        return Task.CompletedTask;
    }

    protected override Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        probe(connectionString, cancellationToken);
}
