using System.Collections.Concurrent;

namespace Gozon.Bench;

/// <summary>One accepted order as the bench saw it. Times are wall-clock UTC of this host.</summary>
public sealed class PlacedOrder(Guid id, int user, decimal amount, string phase, DateTimeOffset sentAt, DateTimeOffset acceptedAt, DateTimeOffset createdAt)
{
    public Guid Id { get; } = id;
    public int User { get; } = user;
    public decimal Amount { get; } = amount;
    public string Phase { get; } = phase;

    /// <summary>When the POST was due (open loop: its slot in the schedule, so a late send counts against the system).</summary>
    public DateTimeOffset SentAt { get; } = sentAt;
    public DateTimeOffset AcceptedAt { get; } = acceptedAt;

    /// <summary>Set by Orders when it wrote the order.</summary>
    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>Set by Orders when it applied the payment result: the moment the order became final.</summary>
    public DateTimeOffset? FinalAt { get; set; }
    public string? Status { get; set; }
    public string? FailureReason { get; set; }
}

/// <summary>
/// Remembers every accepted order and finds out, with a modest poll of each user's order list, when it
/// became final. The latency is read from the order's own <c>updatedAt</c>, so the poll's cadence only
/// decides when the bench learns the figure, not the figure itself.
/// </summary>
public sealed class OrderTracker(GozonClient client, IReadOnlyList<string> users)
{
    private readonly ConcurrentDictionary<Guid, PlacedOrder> _pending = new();
    private readonly ConcurrentBag<PlacedOrder> _all = [];
    private readonly int[] _pendingPerUser = new int[users.Count];
    private long _completed;

    public long Completed => Interlocked.Read(ref _completed);
    public int Pending => _pending.Count;
    public IEnumerable<PlacedOrder> All => _all;

    public void Add(PlacedOrder order)
    {
        _all.Add(order);
        _pending[order.Id] = order;
        Interlocked.Increment(ref _pendingPerUser[order.User]);
    }

    /// <summary>Polls users with pending orders one after another, pausing between calls, until cancelled.</summary>
    public async Task WatchAsync(TimeSpan pause, CancellationToken cancellationToken)
    {
        try
        {
            for (var user = 0; !cancellationToken.IsCancellationRequested; user = (user + 1) % users.Count)
            {
                if (Volatile.Read(ref _pendingPerUser[user]) == 0)
                {
                    if (_pending.IsEmpty)
                    {
                        await Task.Delay(pause, cancellationToken);
                    }

                    continue;
                }

                await RefreshUserAsync(user, cancellationToken);
                await Task.Delay(pause, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Polls every user with pending orders, a few at a time, until none is left or the deadline passes.</summary>
    public async Task<bool> DrainAsync(TimeSpan timeout, Action<string> progress, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken };
        for (var round = 0; !_pending.IsEmpty && DateTimeOffset.UtcNow < deadline; round++)
        {
            var waiting = Enumerable.Range(0, users.Count).Where(u => Volatile.Read(ref _pendingPerUser[u]) > 0).ToArray();
            await Parallel.ForEachAsync(waiting, parallel, async (user, ct) => await RefreshUserAsync(user, ct));
            if (round >= 3)
            {
                // Still missing after several sweeps: maybe beyond the list's newest 1000; ask for each one.
                await Parallel.ForEachAsync(_pending.Values.ToArray(), parallel, async (order, ct) =>
                {
                    if (await client.GetOrderAsync(users[order.User], order.Id, ct) is { } view)
                    {
                        Complete(view);
                    }
                });
            }

            progress($"draining: {_pending.Count} order(s) not final yet");
            if (!_pending.IsEmpty)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }

        return _pending.IsEmpty;
    }

    private async Task RefreshUserAsync(int user, CancellationToken cancellationToken)
    {
        // Pending orders are the user's newest, which the list returns first.
        var limit = Math.Clamp(Volatile.Read(ref _pendingPerUser[user]) + 20, 1, 1000);
        List<OrderView> orders;
        try
        {
            orders = await client.ListOrdersAsync(users[user], limit, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or InvalidOperationException)
        {
            return; // a failed poll is retried on the next round
        }

        foreach (var order in orders)
        {
            if (order.IsFinal && _pending.TryRemove(order.Id, out var placed))
            {
                placed.Status = order.Status;
                placed.FailureReason = order.FailureReason;
                placed.FinalAt = order.UpdatedAt;
                Interlocked.Decrement(ref _pendingPerUser[user]);
                Interlocked.Increment(ref _completed);
            }
        }
    }

    public PlacedOrder? Get(Guid id) => _pending.TryGetValue(id, out var order) ? order : null;

    /// <summary>Records a final status learned elsewhere (the idle phase's own GET).</summary>
    public void Complete(OrderView order)
    {
        if (order.IsFinal && _pending.TryRemove(order.Id, out var placed))
        {
            placed.Status = order.Status;
            placed.FailureReason = order.FailureReason;
            placed.FinalAt = order.UpdatedAt;
            Interlocked.Decrement(ref _pendingPerUser[placed.User]);
            Interlocked.Increment(ref _completed);
        }
    }
}
