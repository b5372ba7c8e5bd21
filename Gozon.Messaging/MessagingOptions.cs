using System.ComponentModel.DataAnnotations;

namespace Gozon.Messaging;

/// <summary>Tuning knobs, bound from the <c>Gozon:Messaging</c> configuration section and validated at start.</summary>
public sealed class MessagingOptions
{
    public const string SectionName = "Gozon:Messaging";

    /// <summary>Name of the connection string that holds the AMQP URI (<c>ConnectionStrings:rabbitmq</c>).</summary>
    [Required]
    public string ConnectionName { get; set; } = "rabbitmq";

    /// <summary>Unacknowledged deliveries the broker may push to one consumer: twice the concurrency, so
    /// the next deliveries are already here when handlers finish.</summary>
    [Range(1, 10_000)]
    public ushort Prefetch { get; set; } = 128;

    /// <summary>
    /// Deliveries one consumer handles at the same time. Each handler spends most of its time waiting for
    /// PostgreSQL (round trips, the commit's fsync); with 8, a closed loop of 64 HTTP clients got ~250 orders/s
    /// accepted while payments completed ~40/s, the queue growing for as long as the load lasted. With every round trip
    /// crossing Docker's bridge (Container mode) 32 fall behind again: 294 completed/s against Process mode's 372; 64 (with
    /// prefetch 128) gave 457 against 503 (0.91×). 64 waited for crashes to stop spending delivery budgets (redeliveries are
    /// re-published with a fresh count): before that, the 5% crash scenarios at 64 dead-lettered or did not settle.
    /// </summary>
    [Range(1, 1_000)]
    public ushort ConsumerConcurrency { get; set; } = 64;

    /// <summary>
    /// Largest body a consumer accepts; bigger ones are dead-lettered unread. Gozon's messages are a few hundred
    /// bytes: anything near this size is a bug or an attack, not an order.
    /// </summary>
    [Range(1024, 128 * 1024 * 1024)]
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// How often a handler may fail on one message (an exception that is neither poison nor a transient database or
    /// broker failure) before the message is dead-lettered. Each failure is retried later, not at once: the delivery is
    /// acked and a copy waits in the queue's retry queue for <see cref="RetryDelay"/>, doubling per failure up to
    /// <see cref="MaxRetryDelay"/>. A message that came back because its consumer crashed or stopped did not fail and
    /// does not count here.
    /// </summary>
    [Range(1, 100)]
    public int MaxHandlerAttempts { get; set; } = 5;

    /// <summary>Delay before the first retry of a failed handler; doubles per failure.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How often a message may come back unsettled (its consumer crashed, lost its connection or stopped) before it
    /// is dead-lettered as one that may itself kill its consumer. A redelivered message is re-published with its
    /// count carried in a header, so this budget is Gozon's and not the queue's delivery limit
    /// (<see cref="Broker.BrokerTopology.DeliveryLimit"/>), which RabbitMQ before 4.3 also spends on every message
    /// in the prefetch window of a consumer that died. The fault suite's crash loops return a healthy message a few
    /// times; only a message that takes its consumer down with it comes back this often.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxUnsettledRedeliveries { get; set; } = 50;

    /// <summary>
    /// How long a publish may wait for the broker's confirm (outbox rows, retries, dead letters). An outbox cycle
    /// holds its rows' locks while it waits, so a broker under a memory alarm, which stops confirming, costs a failed
    /// attempt and a retry instead of a transaction open for as long as the alarm lasts.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan PublishConfirmTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often each service reads the depth of its queues' dead-letter queues (metric and health).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan DeadLetterCheckInterval { get; set; } = TimeSpan.FromSeconds(10);

    [Range(1, 10_000)]
    public int OutboxBatchSize { get; set; } = 100;

    /// <summary>
    /// Safety net beside the wake-up on commit: rows another replica committed but died before publishing, and
    /// failed sends whose retry came due.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan OutboxPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long published outbox rows and processed inbox rows are kept before clean-up.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Upper bound of the back-off between retries of the broker, database and outbox.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromSeconds(10);
}
