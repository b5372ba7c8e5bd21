using System.Diagnostics;
using Gozon.Messaging.Outbox;

namespace Gozon.Messaging;

/// <summary>Spans for publish and process, following OpenTelemetry's messaging conventions.</summary>
public static class MessagingTelemetry
{
    public const string ActivitySourceName = "Gozon.Messaging";
    private static readonly ActivitySource Source = new(ActivitySourceName);

    public static Activity? StartPublish(PendingOutboxMessage message)
    {
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        var activity = Source.StartActivity($"publish {message.Type}", ActivityKind.Producer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.operation.type", "publish");
        activity?.SetTag("messaging.destination.name", message.Type);
        activity?.SetTag("messaging.message.id", message.Id.ToString());
        activity?.SetTag("messaging.message.conversation_id", message.CorrelationId);
        return activity;
    }

    public static Activity? StartProcess(string queue, IncomingMessage message)
    {
        ActivityContext.TryParse(message.TraceParent, message.TraceState, out var parent);
        var activity = Source.StartActivity($"process {message.Type}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "rabbitmq");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", queue);
        activity?.SetTag("messaging.message.id", message.MessageId.ToString());
        activity?.SetTag("messaging.message.conversation_id", message.CorrelationId);
        return activity;
    }
}
