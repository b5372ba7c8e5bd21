using System.Threading.Channels;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// Wakes this process's outbox publisher when a transaction that wrote outbox rows committed. Signals
/// coalesce: however many commits happen while the publisher works, it wakes once and drains them all.
/// </summary>
public sealed class OutboxSignal
{
    private readonly Channel<bool> _pending = Channel.CreateBounded<bool>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    public void Notify() => _pending.Writer.TryWrite(true);

    /// <summary>Returns when notified, or after <paramref name="timeout"/> (the safety-net poll).</summary>
    public async Task WaitAsync(TimeSpan timeout, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        using var interval = new CancellationTokenSource(timeout, timeProvider);
        using var poll = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, interval.Token);
        try
        {
            await _pending.Reader.ReadAsync(poll.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The poll interval passed without a signal.
        }
    }
}
