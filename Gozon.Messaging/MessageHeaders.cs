namespace Gozon.Messaging;

/// <summary>AMQP header names Gozon reads or writes.</summary>
public static class MessageHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>Set by quorum queues on redelivery: how many times the message was delivered before.</summary>
    public const string DeliveryCount = "x-delivery-count";

    /// <summary>How often handlers failed on this message so far (set on the copies that wait in a retry queue).</summary>
    public const string HandlerFailures = "x-gozon-handler-failures";

    /// <summary>
    /// How often the message came back unsettled before its latest copy: a redelivered message is re-published
    /// with its broker delivery count added here, so the queue's own count starts again from zero.
    /// </summary>
    public const string Redeliveries = "x-gozon-redeliveries";

    /// <summary>How often an operator sent the message back from its dead-letter queue.</summary>
    public const string Redrives = "x-gozon-redrives";

    /// <summary>Why a consumer gave up on the message (only on messages in a dead-letter queue).</summary>
    public const string DeadLetterReason = "x-gozon-dead-letter-reason";

    /// <summary>The queue the dead-lettered message was taken from.</summary>
    public const string DeadLetterQueue = "x-gozon-dead-letter-queue";

    /// <summary>When the consumer dead-lettered it (ISO 8601, UTC).</summary>
    public const string DeadLetteredAt = "x-gozon-dead-lettered-at";
}
