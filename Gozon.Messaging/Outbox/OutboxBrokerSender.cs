using Gozon.ServiceDefaults.Faults;
using System.Diagnostics;
using System.Text;
using Gozon.Messaging.Broker;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows on a channel with publisher confirms: a send only counts once the broker has
/// taken responsibility for the message (persisted to its durable queue), within the confirm timeout. Mandatory
/// publishing turns an unroutable message into an error instead of a silent drop.
/// </summary>
public sealed class OutboxBrokerSender(
    BrokerConnections connections, DuplicatePublishing duplicatePublishing, TimeProvider timeProvider,
    IOptions<MessagingOptions> options) : IAsyncDisposable
{
    private readonly ConfirmedChannel _channel = new(connections.Publishing, options.Value.PublishConfirmTimeout, timeProvider);

    /// <summary>Waits until the broker is reachable, so no database transaction is held open meanwhile.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken) =>
        await _channel.GetAsync(cancellationToken);

    /// <summary>Sends the batch with all confirms in flight at once; returns, per message, null or the error.</summary>
    public async Task<string?[]> SendAsync(IReadOnlyList<PendingOutboxMessage> batch, CancellationToken cancellationToken)
    {
        await _channel.GetAsync(cancellationToken);
        var sends = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            sends[i] = SendOneAsync(batch[i], cancellationToken);
        }

        var errors = new string?[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            try
            {
                await sends[i];
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                errors[i] = $"{exception.GetType().Name}: {exception.Message}";
            }
        }

        return errors;
    }

    private async Task SendOneAsync(PendingOutboxMessage message, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartPublish(message);
        var headers = new Dictionary<string, object?>();
        if ((activity?.Id ?? message.TraceParent) is { } traceParent)
        {
            headers[MessageHeaders.TraceParent] = traceParent;
            if ((activity?.TraceStateString ?? message.TraceState) is { } traceState)
            {
                headers[MessageHeaders.TraceState] = traceState;
            }
        }

        var properties = new BasicProperties
        {
            MessageId = message.Id.ToString(),
            Type = message.Type,
            CorrelationId = message.CorrelationId,
            ContentType = "application/json",
            DeliveryMode = DeliveryModes.Persistent,
            Timestamp = new AmqpTimestamp(message.CreatedAt.ToUnixTimeSeconds()),
            Headers = headers,
        };
        try
        {
            var body = Encoding.UTF8.GetBytes(message.Payload);
            await _channel.PublishAsync(BrokerTopology.Exchange, message.Type, properties, body, cancellationToken);
            if (duplicatePublishing.IsEnabled)
            {
                await _channel.PublishAsync(BrokerTopology.Exchange, message.Type, properties, body, cancellationToken);
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    public ValueTask DisposeAsync() => _channel.DisposeAsync();
}
