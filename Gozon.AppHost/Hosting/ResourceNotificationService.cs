namespace Gozon.AppHost.Hosting;

/// <summary>Current state of every replica, with waits on conditions (Aspire's ResourceNotificationService).</summary>
public sealed class ResourceNotificationService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private TaskCompletionSource _changed = NewSignal();

    /// <summary>Raised after a snapshot changed (outside the lock).</summary>
    public event Action<ResourceSnapshot, ResourceSnapshot?>? SnapshotChanged;

    public IReadOnlyList<ResourceSnapshot> GetSnapshots()
    {
        lock (_lock)
        {
            return _order.Select(n => _snapshots[n]).ToList();
        }
    }

    public IReadOnlyList<ResourceSnapshot> GetSnapshots(string resourceName) =>
        GetSnapshots().Where(s => s.ResourceName == resourceName).ToList();

    /// <summary>Completes when every replica of the resource is running and healthy; throws if it failed to start.</summary>
    public Task WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForAsync(
            snapshots =>
            {
                var mine = snapshots.Where(s => s.ResourceName == resourceName).ToList();
                if (mine.Count == 0)
                {
                    throw new DistributedApplicationException($"Unknown resource '{resourceName}'.");
                }

                var failed = mine.FirstOrDefault(s => s.State == ResourceState.FailedToStart);
                if (failed is not null)
                {
                    throw new DistributedApplicationException($"Resource '{failed.ReplicaName}' failed to start: {failed.Error}");
                }

                return mine.All(s => s.IsHealthy);
            },
            cancellationToken);

    /// <summary>Completes when <paramref name="predicate"/> holds for the current snapshots; the predicate may throw to abort.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<ResourceSnapshot>, bool> predicate, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                changed = _changed.Task;
            }

            if (predicate(GetSnapshots()))
            {
                return;
            }

            await changed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    internal void Register(ResourceSnapshot snapshot)
    {
        lock (_lock)
        {
            if (!_snapshots.ContainsKey(snapshot.ReplicaName))
            {
                _order.Add(snapshot.ReplicaName);
            }

            _snapshots[snapshot.ReplicaName] = snapshot;
        }
    }

    internal void Update(string replicaName, Func<ResourceSnapshot, ResourceSnapshot> update)
    {
        ResourceSnapshot previous;
        ResourceSnapshot current;
        TaskCompletionSource signal;
        lock (_lock)
        {
            previous = _snapshots[replicaName];
            current = update(previous);
            if (current == previous)
            {
                return;
            }

            _snapshots[replicaName] = current;
            signal = _changed;
            _changed = NewSignal();
        }

        signal.TrySetResult();
        SnapshotChanged?.Invoke(current, previous);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
