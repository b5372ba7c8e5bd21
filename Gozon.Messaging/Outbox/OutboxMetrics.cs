using System.Diagnostics.Metrics;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// How long a message spends between its commit and the broker holding it, and how much of that is the broker's
/// confirm: the figures to watch when latency grows, because both outbox hops of an order live here.
/// </summary>
public sealed class OutboxMetrics
{
    public const string MeterName = "Gozon.Messaging";

    private readonly Histogram<double> _lag;
    private readonly Histogram<double> _confirm;
    private readonly Histogram<int> _batchSize;

    public OutboxMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _lag = meter.CreateHistogram<double>("gozon.outbox.lag", "ms",
            "From the moment a row was written to the broker's confirm of it");
        _confirm = meter.CreateHistogram<double>("gozon.outbox.confirm.duration", "ms",
            "From the first publish of a batch to the last confirm of it");
        _batchSize = meter.CreateHistogram<int>("gozon.outbox.batch.size", "{message}",
            "Rows claimed by one publisher cycle");
    }

    /// <summary>Records a sent batch; <paramref name="errors"/> holds, per message, null (confirmed) or why it failed.</summary>
    public void BatchSent(
        IReadOnlyList<PendingOutboxMessage> batch, IReadOnlyList<string?> errors, TimeSpan confirm, DateTimeOffset confirmedAt)
    {
        _batchSize.Record(batch.Count);
        _confirm.Record(confirm.TotalMilliseconds);
        for (var i = 0; i < batch.Count; i++)
        {
            if (errors[i] is null)
            {
                _lag.Record((confirmedAt - batch[i].CreatedAt).TotalMilliseconds);
            }
        }
    }
}
