using Gozon.Messaging.Broker;

namespace Gozon.Tests.Support;

/// <summary>
/// A message no consumer can ever handle, sent by a buggy or hostile peer. <c>{id}</c> in the body becomes the
/// poison's own id, which is also its message id (or, when the message has none, its correlation id).
/// </summary>
public sealed record PoisonMessage(string Name, string Queue, string RoutingKey, string Type, string Body, string ReasonContains,
    bool HasMessageId = true)
{
    public override string ToString() => Name;
}

public static class PoisonMessages
{
    private static readonly string Oversized = new('x', 100 * 1024);

    public static IReadOnlyList<PoisonMessage> All { get; } =
    [
        new("PayOrder: not JSON", BrokerTopology.PayOrderQueue, "PayOrder", "PayOrder", "{not json", "not a valid PayOrder"),
        new("PayOrder: missing fields", BrokerTopology.PayOrderQueue, "PayOrder", "PayOrder", """{"orderId":"{id}"}""", "not a valid PayOrder"),
        new("PayOrder: negative amount", BrokerTopology.PayOrderQueue, "PayOrder", "PayOrder",
            """{"orderId":"{id}","userId":"x","amount":-1}""", "is invalid"),
        new("PayOrder queue: unknown type", BrokerTopology.PayOrderQueue, "PayOrder", "RefundOrder", """{"orderId":"{id}"}""",
            "unknown message type 'RefundOrder'"),
        new("PayOrder: oversized", BrokerTopology.PayOrderQueue, "PayOrder", "PayOrder",
            $$$"""{"orderId":"{id}","userId":"x","amount":1,"padding":"{{{Oversized}}}"}""", "exceeds the limit"),
        new("PayOrder: no message id", BrokerTopology.PayOrderQueue, "PayOrder", "PayOrder",
            """{"orderId":"{id}","userId":"x","amount":1}""", "message id", HasMessageId: false),
        new("PaymentFailed: not JSON", BrokerTopology.PaymentResultsQueue, "PaymentFailed", "PaymentFailed", "[1,2",
            "not a valid PaymentFailed"),
        new("PaymentSucceeded: unknown order", BrokerTopology.PaymentResultsQueue, "PaymentSucceeded", "PaymentSucceeded",
            """{"orderId":"{id}"}""", "does not exist"),
        new("PaymentSucceeded: oversized", BrokerTopology.PaymentResultsQueue, "PaymentSucceeded", "PaymentSucceeded",
            $$$"""{"orderId":"{id}","padding":"{{{Oversized}}}"}""", "exceeds the limit"),
        new("results queue: no type", BrokerTopology.PaymentResultsQueue, "PaymentSucceeded", "", """{"orderId":"{id}"}""",
            "message type is missing"),
    ];

    public static IEnumerable<object[]> Names => All.Select(p => new object[] { p.Name });

    public static PoisonMessage Named(string name) => All.Single(p => p.Name == name);

    /// <summary>Publishes the poison with a fresh id and returns that id.</summary>
    public static async Task<Guid> PublishAsync(this BrokerClient broker, PoisonMessage poison)
    {
        var id = Guid.NewGuid();
        await broker.PublishAsync(poison.Type, poison.Body.Replace("{id}", id.ToString()), poison.HasMessageId ? id : null,
            correlationId: id.ToString(), routingKey: poison.RoutingKey);
        return id;
    }

    /// <summary>The id <see cref="PublishAsync"/> gave the message, read back from a dead letter.</summary>
    public static string? IdOf(DeadLetter deadLetter) => deadLetter.MessageId ?? deadLetter.CorrelationId;
}
