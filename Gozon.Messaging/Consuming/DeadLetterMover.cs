using System.Globalization;
using Gozon.Messaging.Broker;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Gozon.Messaging;

/// <summary>
/// Moves a delivery the consumer gave up on into its queue's dead-letter queue with the reason in a header.
/// A reject would lose the reason (AMQP has no field for it; the broker's x-death only says "rejected"), so the
/// copy is published with a confirm first and the original acked after: a crash in between leaves a duplicate in
/// the dead-letter queue, never a lost message.
/// </summary>
internal static class DeadLetterMover
{
    public static async Task MoveAsync(
        IChannel channel, string queue, BasicDeliverEventArgs delivery, string reason, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var headers = delivery.BasicProperties.Headers is { } received
            ? new Dictionary<string, object?>(received)
            : new Dictionary<string, object?>();
        // The count belongs to the old queue; the dead-letter queue keeps its own.
        headers.Remove(MessageHeaders.DeliveryCount);
        headers[MessageHeaders.DeadLetterReason] = reason;
        headers[MessageHeaders.DeadLetterQueue] = queue;
        headers[MessageHeaders.DeadLetteredAt] = now.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

        var properties = new BasicProperties(delivery.BasicProperties) { Headers = headers };
        await channel.BasicPublishAsync(
            BrokerTopology.DeadLetterExchange, queue, mandatory: true, properties, delivery.Body, cancellationToken);
        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, cancellationToken);
    }
}
