namespace Gozon.Messaging;

/// <summary>AMQP header names carrying the W3C trace context.</summary>
public static class MessageHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";
    public const string DeliveryCount = "x-delivery-count";
}
