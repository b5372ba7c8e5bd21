using Gozon.Messaging.Broker;
using RabbitMQ.Client;

namespace Gozon.Messaging.DeadLetters;

/// <summary>
/// Sends the dead letters of a queue back into it, for an operator who fixed what made them fail. Each message is
/// re-published with a confirm and only then acked from the dead-letter queue, so a redrive that dies half-way
/// leaves duplicates (which the inbox absorbs), never a lost message. The copy starts with fresh budgets: no handler
/// failures, no unsettled returns, without the dead-letter headers, and with its redrive counted (<see cref="MessageHeaders.Redrives"/>).
/// </summary>
public static class DeadLetterRedrive
{
    private static readonly string[] DeadLetterHeaders =
    [
        MessageHeaders.DeliveryCount, MessageHeaders.HandlerFailures, MessageHeaders.Redeliveries,
        MessageHeaders.DeadLetterReason, MessageHeaders.DeadLetterQueue, MessageHeaders.DeadLetteredAt,
    ];

    /// <summary>Queues whose dead letters can be redriven.</summary>
    public static IEnumerable<string> Queues => BrokerTopology.Queues.Select(q => q.Name);

    /// <summary>
    /// Moves the messages that were in <paramref name="queue"/>'s dead-letter queue when it started; messages that
    /// fail again meanwhile stay for the next redrive rather than circle. Returns how many it moved.
    /// </summary>
    public static async Task<int> RedriveAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        if (!Queues.Contains(queue, StringComparer.Ordinal))
        {
            throw new ArgumentException($"'{queue}' is not a Gozon queue; known: {string.Join(", ", Queues)}.", nameof(queue));
        }

        var deadLetterQueue = BrokerTopology.DeadLetterQueueOf(queue);
        await using var channel = await connection.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
            cancellationToken);
        var waiting = (await channel.QueueDeclarePassiveAsync(deadLetterQueue, cancellationToken)).MessageCount;
        var moved = 0;
        while (moved < waiting && await channel.BasicGetAsync(deadLetterQueue, autoAck: false, cancellationToken) is { } deadLetter)
        {
            var headers = deadLetter.BasicProperties.Headers is { } received
                ? new Dictionary<string, object?>(received)
                : new Dictionary<string, object?>();
            foreach (var header in DeadLetterHeaders)
            {
                headers.Remove(header);
            }

            headers[MessageHeaders.Redrives] = Redrives(headers) + 1;

            var properties = new BasicProperties(deadLetter.BasicProperties) { Headers = headers, Expiration = null };
            await channel.BasicPublishAsync(BrokerTopology.RedeliveryExchange, queue, mandatory: true, properties, deadLetter.Body,
                cancellationToken);
            await channel.BasicAckAsync(deadLetter.DeliveryTag, multiple: false, cancellationToken);
            moved++;
        }

        return moved;
    }

    private static long Redrives(Dictionary<string, object?> headers) =>
        headers.TryGetValue(MessageHeaders.Redrives, out var value) && value is long n ? n : 0;
}
