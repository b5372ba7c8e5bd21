using System.Diagnostics;
using Gozon.Messaging.Contracts;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// A message waiting to be published, written in the same transaction as the business change.
/// Its <see cref="Id"/> is the AMQP message id on every (re-)send, which is what lets consumers deduplicate.
/// </summary>
public sealed class OutboxMessage
{
    public Guid Id { get; private init; }
    public required string Type { get; init; }
    public required string CorrelationId { get; init; }
    public required string Payload { get; init; }
    public string? TraceParent { get; init; }
    public string? TraceState { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset NextAttemptAt { get; init; }
    public DateTimeOffset? PublishedAt { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }

    /// <summary>Captures the current trace so the consumer's work joins the trace of the request that caused it.</summary>
    public static OutboxMessage Create(IMessage message, DateTimeOffset now)
    {
        var activity = Activity.Current;
        return new OutboxMessage
        {
            Id = Guid.CreateVersion7(now),
            Type = message.GetType().Name,
            CorrelationId = message.OrderId.ToString(),
            Payload = MessageSerializer.Serialize(message),
            TraceParent = activity?.Id,
            TraceState = activity?.TraceStateString,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }
}
