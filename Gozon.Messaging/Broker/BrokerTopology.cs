using Gozon.Messaging.Contracts;
using RabbitMQ.Client;

namespace Gozon.Messaging.Broker;

/// <summary>
/// The whole broker layout, declared identically (and idempotently) by every service at start-up,
/// so a publisher never sends into an exchange whose queue does not exist yet.
/// </summary>
public static class BrokerTopology
{
    public const string Exchange = "gozon.messages";
    public const string DeadLetterExchange = "gozon.dead-letter";

    /// <summary>
    /// Routes by queue name straight into that queue: retry copies coming out of a retry queue, redelivered messages
    /// re-published with a fresh delivery count, and dead letters sent back by the redrive.
    /// </summary>
    public const string RedeliveryExchange = "gozon.redelivery";

    /// <summary>Routes by queue name into that queue's retry queue. Not the default exchange: the services' broker user
    /// may publish to Gozon's own exchanges only (deploy/'s least privilege).</summary>
    public const string RetryExchange = "gozon.retry";

    public const string PayOrderQueue = "payments.pay-order";
    public const string PaymentResultsQueue = "orders.payment-results";

    /// <summary>
    /// Deliveries of one copy of a message before the broker dead-letters it (quorum queue delivery limit): only a
    /// safety net now. Gozon's consumers re-publish a redelivered message with a fresh count and keep their own budgets
    /// (<see cref="MessagingOptions.MaxHandlerAttempts"/>, <see cref="MessagingOptions.MaxUnsettledRedeliveries"/>),
    /// which configuration can change without re-declaring a queue. Before 4.3, RabbitMQ counts every return, including
    /// the whole prefetch window of a consumer that died, so a copy reaches this limit only if it sits unseen in the
    /// prefetch windows of 20 consumers that die. 20 is RabbitMQ 4's own default.
    /// </summary>
    public const int DeliveryLimit = 20;

    public static readonly IReadOnlyList<QueueDefinition> Queues =
    [
        new(PayOrderQueue, [nameof(PayOrder)]),
        new(PaymentResultsQueue, [nameof(PaymentSucceeded), nameof(PaymentFailed)]),
    ];

    public static string DeadLetterQueueOf(string queue) => queue + ".dlq";

    /// <summary>Where a copy of a failed message waits out its retry delay (per-message TTL), then returns to the queue.</summary>
    public static string RetryQueueOf(string queue) => queue + ".retry";

    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(RedeliveryExchange, ExchangeType.Direct, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(RetryExchange, ExchangeType.Direct, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);

        foreach (var queue in Queues)
        {
            var deadLetterQueue = DeadLetterQueueOf(queue.Name);
            await channel.QueueDeclareAsync(deadLetterQueue, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" },
                cancellationToken: cancellationToken);
            await channel.QueueBindAsync(deadLetterQueue, DeadLetterExchange, queue.Name,
                cancellationToken: cancellationToken);

            // Quorum queues count redeliveries and dead-letter past the limit: a failing message
            // can never circle forever in front of the ones behind it.
            await channel.QueueDeclareAsync(queue.Name, durable: true, exclusive: false, autoDelete: false,
                arguments: new Dictionary<string, object?>
                {
                    ["x-queue-type"] = "quorum",
                    ["x-delivery-limit"] = DeliveryLimit,
                    ["x-dead-letter-exchange"] = DeadLetterExchange,
                    ["x-dead-letter-routing-key"] = queue.Name,
                },
                cancellationToken: cancellationToken);
            foreach (var messageType in queue.MessageTypes)
            {
                await channel.QueueBindAsync(queue.Name, Exchange, messageType, cancellationToken: cancellationToken);
            }

            await channel.QueueBindAsync(queue.Name, RedeliveryExchange, queue.Name, cancellationToken: cancellationToken);
            await DeclareRetryQueueAsync(channel, queue.Name, cancellationToken);
        }
    }

    /// <summary>
    /// No consumer reads a retry queue: each copy expires after its own delay and is dead-lettered back into its queue.
    /// At-least-once dead-lettering (which needs reject-publish overflow) keeps a copy until its queue has it, so a
    /// retry is never lost on the way back. A copy behind a longer-waiting one waits for it (TTLs expire at the head),
    /// so a retry may come later than its delay, never sooner.
    /// </summary>
    private static async Task DeclareRetryQueueAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        await channel.QueueDeclareAsync(RetryQueueOf(queue), durable: true, exclusive: false, autoDelete: false,
            arguments: new Dictionary<string, object?>
            {
                ["x-queue-type"] = "quorum",
                ["x-dead-letter-exchange"] = RedeliveryExchange,
                ["x-dead-letter-routing-key"] = queue,
                ["x-dead-letter-strategy"] = "at-least-once",
                ["x-overflow"] = "reject-publish",
            },
            cancellationToken: cancellationToken);
        await channel.QueueBindAsync(RetryQueueOf(queue), RetryExchange, queue, cancellationToken: cancellationToken);
    }
}

public sealed record QueueDefinition(string Name, IReadOnlyList<string> MessageTypes);
