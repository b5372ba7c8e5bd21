using System.Diagnostics;
using Gozon.ServiceDefaults.Api;
using Gozon.ServiceDefaults.Faults;
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
    /// <summary>The handler failed for a reason of its own: try again after <see cref="DispatchResult.RetryDelay"/>.</summary>
    RetryLater,
    /// <summary>Shutting down mid-handling: requeue without blame.</summary>
    Abandon,
    /// <summary>Already settled by the consumer (a fresh copy was published in its place): ack.</summary>
    Settled,
}

/// <summary>What to do with a delivery: for a dead letter, why; for a retry, when.</summary>
public readonly record struct DispatchResult(DeliveryOutcome Outcome, string? Reason = null, TimeSpan RetryDelay = default)
{
    public static readonly DispatchResult Ack = new(DeliveryOutcome.Ack);
    public static readonly DispatchResult Abandon = new(DeliveryOutcome.Abandon);
    public static readonly DispatchResult Settled = new(DeliveryOutcome.Settled);
}

/// <summary>
/// Turns one delivery into a handler call. Transient failures (database or broker away) are retried here with back-off
/// for as long as it takes, because they are not the message's fault and must not use up its attempts. Any other
/// failure is retried later with back-off, up to <see cref="MessagingOptions.MaxHandlerAttempts"/>, then dead-lettered
/// with the last exception as the reason.
/// </summary>
public sealed partial class MessageDispatcher(
    IServiceScopeFactory scopeFactory,
    IEnumerable<MessageHandlerRegistration> registrations,
    FailingHandlers failingHandlers,
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
                failingHandlers.Reach(envelope.HandlerFailures, redriven: envelope.Redrives > 0);
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
                var failures = envelope.HandlerFailures + 1;
                if (failures >= options.Value.MaxHandlerAttempts)
                {
                    return DeadLetter(activity, queue, envelope,
                        $"failed on each of {failures} attempts, last with {exception.GetType().Name}: {exception.Message}");
                }

                var delay = Backoff.Delay(failures - 1, options.Value.RetryDelay, options.Value.MaxRetryDelay);
                LogHandlerFailed(exception, envelope.Type, envelope.MessageId, failures, options.Value.MaxHandlerAttempts, delay);
                return new DispatchResult(DeliveryOutcome.RetryLater, RetryDelay: delay);
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

    [LoggerMessage(LogLevel.Error, "Handling {MessageType} {MessageId} failed (attempt {Attempt} of {MaxAttempts}); retrying in {Delay}")]
    private partial void LogHandlerFailed(Exception exception, string messageType, Guid messageId, int attempt, int maxAttempts, TimeSpan delay);
}
