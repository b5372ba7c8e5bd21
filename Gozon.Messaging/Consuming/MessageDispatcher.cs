using System.Diagnostics;
using Gozon.Messaging.Broker;
using Gozon.ServiceDefaults.Api;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gozon.Messaging;

public enum DeliveryOutcome
{
    /// <summary>Handled (or a duplicate already handled): ack.</summary>
    Ack,
    /// <summary>Cannot ever succeed: reject without requeue, the broker dead-letters it.</summary>
    DeadLetter,
    /// <summary>Failed for a reason of its own: requeue; the queue's delivery limit bounds the attempts.</summary>
    Requeue,
    /// <summary>Shutting down mid-handling: requeue without blame.</summary>
    Abandon,
}

/// <summary>What to do with a delivery, and for a dead letter, why.</summary>
public readonly record struct DispatchResult(DeliveryOutcome Outcome, string? Reason = null)
{
    public static readonly DispatchResult Ack = new(DeliveryOutcome.Ack);
    public static readonly DispatchResult Abandon = new(DeliveryOutcome.Abandon);
}

/// <summary>
/// Turns one delivery into a handler call. Transient failures (database or broker away) are retried here
/// with back-off for as long as it takes, because they are not the message's fault and must not use up
/// its delivery limit; anything else is requeued and eventually dead-lettered by the broker.
/// </summary>
public sealed partial class MessageDispatcher(
    IServiceScopeFactory scopeFactory,
    IEnumerable<MessageHandlerRegistration> registrations,
    TimeProvider timeProvider,
    IOptions<MessagingOptions> options,
    ILogger<MessageDispatcher> logger)
{
    private readonly Dictionary<string, MessageHandlerRegistration> _handlers =
        registrations.ToDictionary(r => r.MessageType, StringComparer.Ordinal);

    public async Task<DispatchResult> DispatchAsync(string queue, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        using var activity = MessagingTelemetry.StartProcess(queue, envelope);
        if (!_handlers.TryGetValue(envelope.Type, out var registration))
        {
            return DeadLetter(activity, queue, envelope, $"unknown message type '{envelope.Type}'");
        }

        object message;
        try
        {
            message = MessageSerializer.Deserialize(envelope.Body.Span, registration.ClrType);
        }
        catch (JsonException exception)
        {
            return DeadLetter(activity, queue, envelope, $"body is not a valid {envelope.Type}: {exception.Message}");
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                await registration.Invoke(scope.ServiceProvider, message, envelope, cancellationToken);
                return DispatchResult.Ack;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return DispatchResult.Abandon;
            }
            catch (PoisonMessageException exception)
            {
                return DeadLetter(activity, queue, envelope, exception.Message);
            }
            catch (Exception exception) when (TransientDatabaseFailure.IsTransient(exception))
            {
                var delay = Backoff.Delay(attempt, options.Value.MaxRetryDelay);
                LogTransientFailure(exception, envelope.Type, envelope.MessageId, attempt + 1, delay);
                try
                {
                    await Task.Delay(delay, timeProvider, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    return DispatchResult.Abandon;
                }
            }
            catch (Exception exception)
            {
                activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                // On its last delivery the message goes to the dead-letter queue from here, so the reason travels
                // with it instead of the broker's bare "delivery_limit".
                if (envelope.DeliveryCount + 1 >= BrokerTopology.DeliveryLimit)
                {
                    return DeadLetter(activity, queue, envelope,
                        $"failed on each of {envelope.DeliveryCount + 1} deliveries, last with {exception.GetType().Name}: {exception.Message}");
                }

                LogHandlerFailed(exception, envelope.Type, envelope.MessageId, envelope.DeliveryCount);
                return new DispatchResult(DeliveryOutcome.Requeue);
            }
        }
    }

    private DispatchResult DeadLetter(Activity? activity, string queue, IncomingMessage envelope, string reason)
    {
        activity?.SetStatus(ActivityStatusCode.Error, reason);
        LogDeadLettered(envelope.MessageId, envelope.Type, queue, reason);
        return new DispatchResult(DeliveryOutcome.DeadLetter, reason);
    }

    [LoggerMessage(LogLevel.Error, "Dead-lettering message {MessageId} ({MessageType}) from {Queue}: {Reason}")]
    private partial void LogDeadLettered(Guid messageId, string messageType, string queue, string reason);

    [LoggerMessage(LogLevel.Warning, "Transient failure handling {MessageType} {MessageId} (attempt {Attempt}); retrying in {Delay}")]
    private partial void LogTransientFailure(Exception exception, string messageType, Guid messageId, int attempt, TimeSpan delay);

    [LoggerMessage(LogLevel.Error, "Handling {MessageType} {MessageId} failed (previous deliveries: {DeliveryCount}); requeueing")]
    private partial void LogHandlerFailed(Exception exception, string messageType, Guid messageId, long deliveryCount);
}
