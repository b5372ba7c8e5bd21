using System.Globalization;
using Gozon.Messaging.Broker;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Gozon.Messaging;

/// <summary>
/// Re-publishes a delivery the consumer will not settle as it came: to its retry queue after a handler failure, back
/// to its queue with a fresh delivery count after it came back unsettled, or to its dead-letter queue with the reason.
/// Each copy is published on the publishing connection with a confirm; the consumer acks the original only after that,
/// so a crash in between leaves a duplicate (which the inbox absorbs), never a lost message. A reject would lose the
/// reason and the counts: AMQP has no field for them, and the broker's x-death only says "rejected".
/// </summary>
public sealed class DeliveryForwarder(BrokerConnections connections, TimeProvider timeProvider, IOptions<MessagingOptions> options)
    : IAsyncDisposable
{
    private readonly ConfirmedChannel _channel = new(connections.Publishing, options.Value.PublishConfirmTimeout, timeProvider);

    public Task RetryLaterAsync(string queue, BasicDeliverEventArgs delivery, IncomingMessage envelope, TimeSpan delay,
        CancellationToken cancellationToken)
    {
        var headers = CopyHeaders(delivery, envelope.UnsettledReturns);
        headers[MessageHeaders.HandlerFailures] = envelope.HandlerFailures + 1;
        var properties = new BasicProperties(delivery.BasicProperties)
        {
            Headers = headers,
            Expiration = ((long)Math.Ceiling(delay.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture),
        };
        return _channel.PublishAsync(BrokerTopology.RetryExchange, queue, properties, delivery.Body, cancellationToken);
    }

    public Task RedeliverAsync(string queue, BasicDeliverEventArgs delivery, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties(delivery.BasicProperties)
        {
            Headers = CopyHeaders(delivery, envelope.UnsettledReturns),
            Expiration = null,
        };
        return _channel.PublishAsync(BrokerTopology.RedeliveryExchange, queue, properties, delivery.Body, cancellationToken);
    }

    public Task DeadLetterAsync(string queue, BasicDeliverEventArgs delivery, string reason, CancellationToken cancellationToken)
    {
        // The count belongs to the old queue; the dead-letter queue keeps its own.
        var headers = HeadersWithoutDeliveryCount(delivery);
        headers[MessageHeaders.DeadLetterReason] = reason;
        headers[MessageHeaders.DeadLetterQueue] = queue;
        headers[MessageHeaders.DeadLetteredAt] = timeProvider.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
        var properties = new BasicProperties(delivery.BasicProperties) { Headers = headers, Expiration = null };
        return _channel.PublishAsync(BrokerTopology.DeadLetterExchange, queue, properties, delivery.Body, cancellationToken);
    }

    /// <summary>The headers for a new copy: the broker's count of the old copy's deliveries moves into Gozon's own.</summary>
    private static Dictionary<string, object?> CopyHeaders(BasicDeliverEventArgs delivery, long unsettledReturns)
    {
        var headers = HeadersWithoutDeliveryCount(delivery);
        headers[MessageHeaders.Redeliveries] = unsettledReturns;
        return headers;
    }

    private static Dictionary<string, object?> HeadersWithoutDeliveryCount(BasicDeliverEventArgs delivery)
    {
        var headers = delivery.BasicProperties.Headers is { } received
            ? new Dictionary<string, object?>(received)
            : new Dictionary<string, object?>();
        headers.Remove(MessageHeaders.DeliveryCount);
        return headers;
    }

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
