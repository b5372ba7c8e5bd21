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

    public const string PayOrderQueue = "payments.pay-order";
    public const string PaymentResultsQueue = "orders.payment-results";

    /// <summary>
    /// Deliveries of one message before the broker dead-letters it (quorum queue delivery limit). Before 4.3,
    /// RabbitMQ counts every return as a delivery, including the whole prefetch window of a consumer that died,
    /// so the limit must leave room for crashes and not only for a message that fails: with 5, the fault suite's
    /// repeated Payments crashes dead-lettered healthy PayOrders. 20 is RabbitMQ 4's own default.
    /// </summary>
    public const int DeliveryLimit = 20;

    public static readonly IReadOnlyList<QueueDefinition> Queues =
    [
        new(PayOrderQueue, [nameof(PayOrder)]),
        new(PaymentResultsQueue, [nameof(PaymentSucceeded), nameof(PaymentFailed)]),
    ];

    public static string DeadLetterQueueOf(string queue) => queue + ".dlq";

    public static async Task DeclareAsync(IChannel channel, CancellationToken cancellationToken)
    {
        await channel.ExchangeDeclareAsync(Exchange, ExchangeType.Direct, durable: true, autoDelete: false,
            cancellationToken: cancellationToken);
        await channel.ExchangeDeclareAsync(DeadLetterExchange, ExchangeType.Direct, durable: true, autoDelete: false,
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
        }
    }
}

public sealed record QueueDefinition(string Name, IReadOnlyList<string> MessageTypes);
