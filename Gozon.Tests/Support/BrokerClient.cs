using System.Text;
using Gozon.Messaging;
using Gozon.Messaging.Broker;
using RabbitMQ.Client;

namespace Gozon.Tests.Support;

/// <summary>Talks to the system's RabbitMQ directly, the way a misbehaving or duplicating peer would.</summary>
public sealed class BrokerClient : IAsyncDisposable
{
    private readonly IConnection _connection;
    private readonly IChannel _channel;

    private BrokerClient(IConnection connection, IChannel channel)
    {
        _connection = connection;
        _channel = channel;
    }

    public static async Task<BrokerClient> ConnectAsync(string amqpUri)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(amqpUri) }.CreateConnectionAsync();
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(
            publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        return new BrokerClient(connection, channel);
    }

    /// <summary>Publishes to the Gozon exchange with the given envelope, waiting for the broker's confirm.</summary>
    public async Task PublishAsync(string type, string body, Guid? messageId, string? correlationId = null, string? routingKey = null)
    {
        var properties = new BasicProperties
        {
            MessageId = messageId?.ToString(),
            Type = type,
            CorrelationId = correlationId,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
        };
        await _channel.BasicPublishAsync(BrokerTopology.Exchange, routingKey ?? type, mandatory: true, properties, Encoding.UTF8.GetBytes(body));
    }

    /// <summary>Takes (and acks) the dead-lettered message with this message or correlation id, or returns null if it is not there.</summary>
    public async Task<DeadLetter?> TakeDeadLetterAsync(string queue, Guid id)
    {
        var deadLetterQueue = BrokerTopology.DeadLetterQueueOf(queue);
        var seen = new List<ulong>();
        try
        {
            while (await _channel.BasicGetAsync(deadLetterQueue, autoAck: false) is { } result)
            {
                if (result.BasicProperties.MessageId == id.ToString() || result.BasicProperties.CorrelationId == id.ToString())
                {
                    await _channel.BasicAckAsync(result.DeliveryTag, multiple: false);
                    return DeadLetter.From(result);
                }

                seen.Add(result.DeliveryTag);
            }

            return null;
        }
        finally
        {
            // Other tests' dead letters go back untouched.
            foreach (var tag in seen)
            {
                await _channel.BasicNackAsync(tag, multiple: false, requeue: true);
            }
        }
    }

    /// <summary>Takes (and acks) everything in the queue's dead-letter queue; for a system no other test shares.</summary>
    public async Task<List<DeadLetter>> DrainDeadLettersAsync(string queue)
    {
        var taken = new List<DeadLetter>();
        while (await _channel.BasicGetAsync(BrokerTopology.DeadLetterQueueOf(queue), autoAck: true) is { } result)
        {
            taken.Add(DeadLetter.From(result));
        }

        return taken;
    }

    /// <summary>A private, temporary queue that receives a copy of every message of these types.</summary>
    public async Task<string> TapAsync(params string[] messageTypes)
    {
        var queue = await _channel.QueueDeclareAsync(string.Empty, durable: false, exclusive: true, autoDelete: true);
        foreach (var type in messageTypes)
        {
            await _channel.QueueBindAsync(queue.QueueName, BrokerTopology.Exchange, type);
        }

        return queue.QueueName;
    }

    /// <summary>
    /// A queue any connection may consume, unlike a tap; the broker deletes it a minute after it was last used,
    /// so a test that dies leaves nothing behind.
    /// </summary>
    public async Task<string> DeclareScratchQueueAsync()
    {
        var queue = await _channel.QueueDeclareAsync($"test.scratch.{Guid.NewGuid():N}", durable: false, exclusive: false,
            autoDelete: false, arguments: new Dictionary<string, object?> { ["x-expires"] = 60_000 });
        return queue.QueueName;
    }

    /// <summary>Drains the tap until a message about <paramref name="correlationId"/> of the given type shows up.</summary>
    public async Task<TappedMessage?> TakeTappedAsync(string tap, string type, string correlationId)
    {
        while (await _channel.BasicGetAsync(tap, autoAck: true) is { } result)
        {
            var properties = result.BasicProperties;
            if (properties.Type == type && properties.CorrelationId == correlationId)
            {
                return new TappedMessage(properties.MessageId, properties.Type, properties.CorrelationId,
                    HeaderText(properties, MessageHeaders.TraceParent),
                    properties.Persistent, Encoding.UTF8.GetString(result.Body.Span));
            }
        }

        return null;
    }

    /// <summary>A header as text: the broker delivers AMQP long strings as bytes.</summary>
    internal static string? HeaderText(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers?.TryGetValue(name, out var value) == true && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : null;

    public async Task<uint> ReadyCountAsync(string queue) =>
        (await _channel.QueueDeclarePassiveAsync(queue)).MessageCount;

    public async Task<uint> ConsumerCountAsync(string queue) =>
        (await _channel.QueueDeclarePassiveAsync(queue)).ConsumerCount;

    public async ValueTask DisposeAsync()
    {
        await _channel.CloseAsync();
        await _connection.CloseAsync();
        _channel.Dispose();
        _connection.Dispose();
    }
}

/// <summary>A message as its dead-letter queue holds it; <see cref="Reason"/> is the consumer's word for why.</summary>
public sealed record DeadLetter(string? MessageId, string? CorrelationId, string? Type, string Body, string? Reason, string? FromQueue)
{
    public static DeadLetter From(BasicGetResult result)
    {
        var properties = result.BasicProperties;
        return new DeadLetter(properties.MessageId, properties.CorrelationId, properties.Type, Encoding.UTF8.GetString(result.Body.Span),
            BrokerClient.HeaderText(properties, MessageHeaders.DeadLetterReason), BrokerClient.HeaderText(properties, MessageHeaders.DeadLetterQueue));
    }
}

public sealed record TappedMessage(string? MessageId, string? Type, string? CorrelationId, string? TraceParent, bool Persistent, string Body);
