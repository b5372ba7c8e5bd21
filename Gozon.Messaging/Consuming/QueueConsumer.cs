using Gozon.ServiceDefaults.Faults;
using Gozon.Messaging.Broker;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;

namespace Gozon.Messaging;

/// <summary>
/// Consumes one queue with manual acks and bounded prefetch. The ack is sent only after the handler's
/// transaction committed, so a crash at any point leads to redelivery, never to loss.
/// </summary>
public sealed partial class QueueConsumer(
    string queue,
    BrokerConnections connections,
    MessageDispatcher dispatcher,
    DeliveryForwarder forwarder,
    TimeProvider timeProvider,
    CrashPoints crashPoints,
    IOptions<MessagingOptions> options,
    ILogger<QueueConsumer> logger,
    Outbox.OutboxCatchUp? outboxCatchUp = null) : BackgroundService
{
    private static readonly TimeSpan ChannelCheckInterval = TimeSpan.FromSeconds(2);

    // Deliveries that came back from a consumer that died are handled one at a time: in a crash loop the queue fills
    // with them, and with the full concurrency each short life died within its first window, before its acks got out
    // and after some copies were already re-published, so the queue never shrank (60 lives in 7.5 min, 111 queued).
    private readonly SemaphoreSlim _cameBack = new(1, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // What this service already committed goes out before it takes new work (see OutboxCatchUp).
        if (outboxCatchUp is not null && !await outboxCatchUp.WaitAsync(timeProvider, stoppingToken))
        {
            LogOutboxNotCaughtUp(queue, Outbox.OutboxCatchUp.MaxWait);
        }

        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            IChannel? channel = null;
            try
            {
                channel = await StartConsumingAsync(stoppingToken);
                failures = 0;
                while (!connections.Consuming.IsClosedForGood(channel))
                {
                    await Task.Delay(ChannelCheckInterval, timeProvider, stoppingToken);
                }

                LogChannelClosed(queue, channel.CloseReason?.ReplyText);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                var delay = Backoff.Delay(failures++, options.Value.MaxRetryDelay);
                LogConsumeFailed(exception, queue, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
            finally
            {
                if (channel is not null)
                {
                    await CloseQuietlyAsync(channel);
                }
            }
        }
    }

    private async Task<IChannel> StartConsumingAsync(CancellationToken stoppingToken)
    {
        var amqp = await connections.Consuming.GetConnectionAsync(stoppingToken);
        // No publishing on this channel: retries and dead letters go out on the publishing connection.
        var channel = await amqp.CreateChannelAsync(
            new CreateChannelOptions(publisherConfirmationsEnabled: false, publisherConfirmationTrackingEnabled: false,
                consumerDispatchConcurrency: options.Value.ConsumerConcurrency),
            stoppingToken);
        await channel.BasicQosAsync(0, options.Value.Prefetch, global: false, stoppingToken);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += (_, delivery) => HandleDeliveryAsync(channel, delivery, stoppingToken);
        await channel.BasicConsumeAsync(queue, autoAck: false, consumer, stoppingToken);
        LogConsuming(queue, options.Value.Prefetch, options.Value.ConsumerConcurrency);
        return channel;
    }

    private async Task HandleDeliveryAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        if (!IncomingMessage.CameBackUnsettled(delivery))
        {
            await HandleAndSettleAsync(channel, delivery, stoppingToken);
            return;
        }

        try
        {
            await _cameBack.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return; // stopping: left unacked, the delivery goes back to the queue with the channel
        }

        try
        {
            await HandleAndSettleAsync(channel, delivery, stoppingToken);
        }
        finally
        {
            _cameBack.Release();
        }
    }

    private async Task HandleAndSettleAsync(IChannel channel, BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        var (result, envelope) = await DecideAsync(delivery, stoppingToken);
        try
        {
            switch (result.Outcome)
            {
                case DeliveryOutcome.Ack:
                    crashPoints.Reach(CrashPoints.ConsumerCommittedBeforeAck(queue));
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
                    break;
                case DeliveryOutcome.Settled:
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
                    break;
                case DeliveryOutcome.DeadLetter:
                    await DeadLetterAsync(channel, delivery, result.Reason ?? "rejected");
                    break;
                case DeliveryOutcome.RetryLater:
                    await forwarder.RetryLaterAsync(queue, delivery, envelope!, result.RetryDelay, CancellationToken.None);
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
                    break;
                default:
                    await channel.BasicNackAsync(delivery.DeliveryTag, multiple: false, requeue: true, CancellationToken.None);
                    break;
            }
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            // The channel went away after the effect committed, or the retry copy was not confirmed: the broker
            // redelivers, and the handler's idempotency turns a redelivery of a handled message into a no-op.
            LogSettleFailed(exception, queue, delivery.DeliveryTag, result.Outcome);
        }
    }

    private async Task<(DispatchResult Result, IncomingMessage? Envelope)> DecideAsync(
        BasicDeliverEventArgs delivery, CancellationToken stoppingToken)
    {
        // Checked before anything is copied or parsed: a peer's runaway message must not cost memory per retry.
        if (delivery.Body.Length > options.Value.MaxMessageBytes)
        {
            return (Malformed(delivery, $"body of {delivery.Body.Length} bytes exceeds the limit of {options.Value.MaxMessageBytes} bytes"), null);
        }

        if (!IncomingMessage.TryRead(delivery, out var envelope, out var error))
        {
            return (Malformed(delivery, error!), null);
        }

        if (envelope!.UnsettledReturns >= options.Value.MaxUnsettledRedeliveries)
        {
            LogTooManyReturns(envelope.MessageId, envelope.Type, queue, envelope.UnsettledReturns);
            return (new DispatchResult(DeliveryOutcome.DeadLetter,
                $"came back unsettled {envelope.UnsettledReturns} times: it may crash or stall the consumer that takes it"), envelope);
        }

        if (envelope.DeliveryCount > 0 && await TryRedeliverAsync(delivery, envelope))
        {
            return (DispatchResult.Settled, envelope);
        }

        return (await dispatcher.DispatchAsync(queue, envelope, stoppingToken), envelope);
    }

    /// <summary>
    /// A message that came back unsettled (its consumer crashed, lost its connection or stopped) goes back into the
    /// queue as a new copy whose header carries the count, so the crashes of other messages never spend the queue's
    /// delivery limit on it. If the copy cannot be published, the message is handled as it is.
    /// </summary>
    private async Task<bool> TryRedeliverAsync(BasicDeliverEventArgs delivery, IncomingMessage envelope)
    {
        try
        {
            await forwarder.RedeliverAsync(queue, delivery, envelope, CancellationToken.None);
            return true;
        }
        catch (Exception exception) when (exception is not OutOfMemoryException)
        {
            LogRedeliverFailed(exception, envelope.MessageId, queue);
            return false;
        }
    }

    private DispatchResult Malformed(BasicDeliverEventArgs delivery, string reason)
    {
        LogMalformed(queue, delivery.BasicProperties.MessageId, reason);
        return new DispatchResult(DeliveryOutcome.DeadLetter, reason);
    }

    private async Task DeadLetterAsync(IChannel channel, BasicDeliverEventArgs delivery, string reason)
    {
        try
        {
            await forwarder.DeadLetterAsync(queue, delivery, reason, CancellationToken.None);
        }
        catch (Exception exception) when (exception is not OutOfMemoryException && channel.IsOpen)
        {
            // The copy was refused but the channel lives: let the broker dead-letter it (x-death says "rejected")
            // rather than hold up the queue.
            LogDeadLetterCopyFailed(exception, queue, delivery.BasicProperties.MessageId);
            await channel.BasicRejectAsync(delivery.DeliveryTag, requeue: false, CancellationToken.None);
            return;
        }

        await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false, CancellationToken.None);
    }

    private async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            if (channel.IsOpen)
            {
                await channel.CloseAsync();
            }
        }
        catch (Exception exception)
        {
            LogCloseFailed(exception, queue);
        }
        finally
        {
            channel.Dispose();
        }
    }

    [LoggerMessage(LogLevel.Information, "Consuming {Queue} (prefetch {Prefetch}, concurrency {Concurrency})")]
    private partial void LogConsuming(string queue, ushort prefetch, ushort concurrency);

    [LoggerMessage(LogLevel.Warning, "Channel for {Queue} closed ({Reason}); reopening")]
    private partial void LogChannelClosed(string queue, string? reason);

    [LoggerMessage(LogLevel.Warning, "Consumer for {Queue} failed; restarting in {Delay}")]
    private partial void LogConsumeFailed(Exception exception, string queue, TimeSpan delay);

    [LoggerMessage(LogLevel.Error, "Dead-lettering malformed delivery {MessageId} from {Queue}: {Reason}")]
    private partial void LogMalformed(string queue, string? messageId, string? reason);

    [LoggerMessage(LogLevel.Warning, "Could not copy delivery {MessageId} from {Queue} to its dead-letter queue; rejecting it instead")]
    private partial void LogDeadLetterCopyFailed(Exception exception, string queue, string? messageId);

    [LoggerMessage(LogLevel.Warning, "Could not settle delivery {DeliveryTag} on {Queue} as {Outcome}; it will be redelivered")]
    private partial void LogSettleFailed(Exception exception, string queue, ulong deliveryTag, DeliveryOutcome outcome);

    [LoggerMessage(LogLevel.Warning, "Message {MessageId} ({MessageType}) came back unsettled to {Queue} {Returns} times; dead-lettering it")]
    private partial void LogTooManyReturns(Guid messageId, string messageType, string queue, long returns);

    [LoggerMessage(LogLevel.Warning, "Could not re-publish redelivered message {MessageId} to {Queue}; handling it as it is")]
    private partial void LogRedeliverFailed(Exception exception, Guid messageId, string queue);

    [LoggerMessage(LogLevel.Debug, "Closing the channel of {Queue} failed")]
    private partial void LogCloseFailed(Exception exception, string queue);

    [LoggerMessage(LogLevel.Warning, "The outbox did not catch up within {MaxWait}; consuming {Queue} anyway")]
    private partial void LogOutboxNotCaughtUp(string queue, TimeSpan maxWait);
}
