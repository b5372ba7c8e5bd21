using Gozon.ServiceDefaults.Faults;
using System.Diagnostics;
using System.Text;
using Gozon.Messaging.Broker;
using RabbitMQ.Client;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// Publishes outbox rows on a channel with publisher confirms: a send only counts once the broker has
/// taken responsibility for the message (persisted to its durable queue). Mandatory publishing turns an
/// unroutable message into an error instead of a silent drop.
/// </summary>
public sealed class OutboxBrokerSender(
    RabbitMqConnection connection, DuplicatePublishing duplicatePublishing, TimeProvider timeProvider) : IAsyncDisposable
{
    private static readonly TimeSpan RecoveryCheckInterval = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel? _channel;

    /// <summary>Waits until the broker is reachable, so no database transaction is held open meanwhile.</summary>
    public async Task EnsureReadyAsync(CancellationToken cancellationToken) =>
        await GetChannelAsync(cancellationToken);

    /// <summary>Sends the batch with all confirms in flight at once; returns, per message, null or the error.</summary>
    public async Task<string?[]> SendAsync(IReadOnlyList<PendingOutboxMessage> batch, CancellationToken cancellationToken)
    {
        var channel = await GetChannelAsync(cancellationToken);
        var sends = new Task[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            sends[i] = SendOneAsync(channel, batch[i], cancellationToken);
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

    private async Task SendOneAsync(IChannel channel, PendingOutboxMessage message, CancellationToken cancellationToken)
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
            await channel.BasicPublishAsync(BrokerTopology.Exchange, message.Type, mandatory: true, properties,
                Encoding.UTF8.GetBytes(message.Payload), cancellationToken);
            if (duplicatePublishing.IsEnabled)
            {
                await channel.BasicPublishAsync(BrokerTopology.Exchange, message.Type, mandatory: true, properties,
                    Encoding.UTF8.GetBytes(message.Payload), cancellationToken);
            }
        }
        catch (Exception exception)
        {
            activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
            throw;
        }
    }

    private async Task<IChannel> GetChannelAsync(CancellationToken cancellationToken)
    {
        if (_channel is { IsOpen: true } open)
        {
            return open;
        }

        await _channelLock.WaitAsync(cancellationToken);
        try
        {
            // Closed together with its connection: automatic recovery reopens this very channel, so wait for it
            // rather than open a second one that recovery would leave beside it.
            while (_channel is { IsOpen: false } recovering && !connection.IsClosedForGood(recovering))
            {
                await Task.Delay(RecoveryCheckInterval, timeProvider, cancellationToken);
            }

            if (_channel is { IsOpen: true } reopened)
            {
                return reopened;
            }

            // None yet, or closed for good by a channel-level error.
            _channel?.Dispose();
            var amqp = await connection.GetConnectionAsync(cancellationToken);
            _channel = await amqp.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
            return _channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            await channel.CloseAsync();
            channel.Dispose();
        }

        _channelLock.Dispose();
    }
}
