namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>A resource backed by one supervised OS process per replica.</summary>
internal abstract class ProcessResourceRunner : ResourceRunner
{
    private readonly ProcessSupervisor[] _supervisors;

    protected ProcessResourceRunner(IResource resource, string kind, int replicas, RunnerContext context)
        : base(resource, kind, replicas, context)
    {
        _supervisors = Enumerable.Range(0, replicas)
            .Select(i => new ProcessSupervisor(
                ReplicaNames[i],
                ct => CreateProcessSpecAsync(i, ct),
                context.Launcher,
                context.ResourceLogs,
                context.Notifications,
                Logger))
            .ToArray();
    }

    public override bool Kill(int replica)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replica);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(replica, _supervisors.Length);
        return _supervisors[replica].Kill();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_supervisors.Select(s => s.StopAsync(Context.Settings.StopTimeout))).ConfigureAwait(false);
        await OnStoppedAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override Task LaunchAsync(CancellationToken cancellationToken)
    {
        foreach (var supervisor in _supervisors)
        {
            supervisor.Start();
        }

        return Task.CompletedTask;
    }

    protected virtual Task OnStoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task<ProcessSpec> CreateProcessSpecAsync(int replica, CancellationToken cancellationToken);
}
