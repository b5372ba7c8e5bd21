using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Runs one resource (all its replicas) and probes its health once a second.</summary>
internal abstract partial class ResourceRunner : IAsyncDisposable
{
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private readonly CancellationTokenSource _disposed = new();
    private readonly List<Task> _monitors = [];
    private readonly SemaphoreSlim _prepareLock = new(1, 1);
    private bool _prepared;

    protected ResourceRunner(IResource resource, string kind, int replicas, RunnerContext context)
    {
        Resource = resource;
        Kind = kind;
        Context = context;
        Logger = context.LoggerFactory.CreateLogger($"Gozon.AppHost.Resources.{resource.Name}");
        ReplicaNames = Enumerable.Range(0, replicas)
            .Select(i => replicas == 1 && resource is not ProjectResource ? resource.Name : $"{resource.Name}-{i}")
            .ToList();
        for (var i = 0; i < replicas; i++)
        {
            context.Notifications.Register(new ResourceSnapshot(
                resource.Name, ReplicaNames[i], i, kind, ResourceState.NotStarted, HealthStatus.Unknown, null, null, null, null));
        }
    }

    public IResource Resource { get; }

    public string Kind { get; }

    public IReadOnlyList<string> ReplicaNames { get; }

    protected RunnerContext Context { get; }

#pragma warning disable CA1051, SA1401 // The logging source generator needs a field.
    protected readonly ILogger Logger;
#pragma warning restore CA1051, SA1401

    protected CancellationToken Disposing => _disposed.Token;

    /// <summary>HTTP endpoint of a replica, for <c>services__*</c> variables and test clients.</summary>
    public virtual Uri? GetEndpoint(int replica) => null;

    public virtual Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken) => Task.FromResult<string?>(null);

    /// <summary>Prepares (once) and starts the resource; returns once it is launched, not when it is healthy.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _prepareLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_prepared)
            {
                SetState(ResourceState.Starting);
                await PrepareAsync(cancellationToken).ConfigureAwait(false);
                _prepared = true;
                for (var i = 0; i < ReplicaNames.Count; i++)
                {
                    var replica = i;
                    var url = GetEndpoint(i)?.ToString().TrimEnd('/') ?? GetDisplayUrl();
                    Context.Notifications.Update(ReplicaNames[i], s => s with { Url = url });
                    _monitors.Add(Task.Run(() => MonitorHealthAsync(replica, _disposed.Token), CancellationToken.None));
                }
            }
        }
        finally
        {
            _prepareLock.Release();
        }

        await LaunchAsync(cancellationToken).ConfigureAwait(false);
    }

    public abstract Task StopAsync(CancellationToken cancellationToken);

    /// <summary>SIGKILL one replica (a crash, as far as the supervisor is concerned).</summary>
    public virtual bool Kill(int replica) => false;

    public void SetState(ResourceState state, string? error = null)
    {
        foreach (var name in ReplicaNames)
        {
            Context.Notifications.Update(name, s => s with { State = state, Error = error ?? s.Error });
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _disposed.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_monitors).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _disposed.Dispose();
        _prepareLock.Dispose();
        await DisposeCoreAsync().ConfigureAwait(false);
    }

    protected virtual ValueTask DisposeCoreAsync() => ValueTask.CompletedTask;

    protected virtual string? GetDisplayUrl() => null;

    /// <summary>One-time work before the first launch: state folders, ports, passwords, initdb.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    protected abstract Task LaunchAsync(CancellationToken cancellationToken);

    protected abstract Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken);

    /// <summary>Whether the replica is in a state worth probing.</summary>
    protected virtual bool ShouldProbe(ResourceSnapshot snapshot) => snapshot.State == ResourceState.Running;

    private async Task MonitorHealthAsync(int replica, CancellationToken cancellationToken)
    {
        var name = ReplicaNames[replica];
        while (!cancellationToken.IsCancellationRequested)
        {
            var snapshot = Context.Notifications.GetSnapshots().First(s => s.ReplicaName == name);
            var health = HealthStatus.Unknown;
            if (ShouldProbe(snapshot))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(ProbeTimeout);
                try
                {
                    health = await ProbeAsync(replica, timeout.Token).ConfigureAwait(false) ? HealthStatus.Healthy : HealthStatus.Unhealthy;
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogProbeFailed(name, ex.GetType().Name, ex.Message);
                    health = HealthStatus.Unhealthy;
                }
            }
            else if (snapshot.State is ResourceState.Restarting or ResourceState.Stopping or ResourceState.Stopped or ResourceState.FailedToStart)
            {
                health = HealthStatus.Unhealthy;
            }

            // A probe may finish after the replica stopped; only running replicas can be healthy.
            Context.Notifications.Update(name, s => s with
            {
                Health = s.State == ResourceState.Running || health != HealthStatus.Healthy ? health : HealthStatus.Unhealthy,
            });

            try
            {
                await Task.Delay(ProbeInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Health probe of {Replica} failed: {ExceptionType} {ExceptionMessage}")]
    private partial void LogProbeFailed(string replica, string exceptionType, string exceptionMessage);
}
