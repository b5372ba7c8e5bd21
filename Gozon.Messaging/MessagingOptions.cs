namespace Gozon.Messaging;

/// <summary>Tuning knobs, bound from the <c>Gozon:Messaging</c> configuration section.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Gozon:Messaging";

    /// <summary>Name of the connection string that holds the AMQP URI (<c>ConnectionStrings:rabbitmq</c>).</summary>
    public string ConnectionName { get; set; } = "rabbitmq";

    /// <summary>Unacknowledged deliveries the broker may push to one consumer: twice the concurrency, so
    /// the next deliveries are already here when handlers finish.</summary>
    public ushort Prefetch { get; set; } = 128;

    /// <summary>
    /// Deliveries one consumer handles at the same time. Each handler spends most of its time waiting for
    /// PostgreSQL (round trips, the commit's fsync); with 8, a closed loop of 64 HTTP clients got ~250 orders/s
    /// accepted while payments completed ~40/s, the queue growing for as long as the load lasted. 32 still left the
    /// pay-order queue growing when each round trip crossed Docker's bridge (bench, Container mode: 294 completed/s against
    /// 372 in Process mode); with 64, 433 and 468, the two modes within 10%. A replica's connection pool smaller than
    /// this (the connection budget with many replicas) makes handlers wait for a connection, not fail.
    /// </summary>
    public ushort ConsumerConcurrency { get; set; } = 64;

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
