namespace Gozon.Messaging;

/// <summary>Tuning knobs, bound from the <c>Gozon:Messaging</c> configuration section.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Gozon:Messaging";

    /// <summary>Name of the connection string that holds the AMQP URI (<c>ConnectionStrings:rabbitmq</c>).</summary>
    public string ConnectionName { get; set; } = "rabbitmq";

    /// <summary>Unacknowledged deliveries the broker may push to one consumer: twice the concurrency, so
    /// the next deliveries are already here when handlers finish.</summary>
    public ushort Prefetch { get; set; } = 64;

    /// <summary>
    /// Deliveries one consumer handles at the same time. Each handler spends most of its time waiting for
    /// PostgreSQL (round trips, the commit's fsync); with 8, a closed loop of 64 HTTP clients got ~250 orders/s
    /// accepted while payments completed ~40/s, the queue growing for as long as the load lasted. With every round trip
    /// crossing Docker's bridge (Container mode) 32 fall behind again: 294 completed/s against Process mode's 372; 64 (with
    /// prefetch 128) gave 433 and 468, but a Payments replica crashing at 5% of its messages then died every ~20 messages,
    /// before its outbox was sent, and the fault scenario did not settle within 3 minutes. Raise it with the crash-loop
    /// behaviour of issue 15 in place, not before.
    /// </summary>
    public ushort ConsumerConcurrency { get; set; } = 32;

    /// <summary>
    /// Largest body a consumer accepts; bigger ones are dead-lettered unread. Gozon's messages are a few hundred
    /// bytes: anything near this size is a bug or an attack, not an order.
    /// </summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// Safety net beside the wake-up on commit: rows another replica committed but died before publishing, and
    /// failed sends whose retry came due.
    /// </summary>
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long published outbox rows and processed inbox rows are kept before clean-up.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Upper bound of the back-off between retries of the broker, database and outbox.</summary>
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
