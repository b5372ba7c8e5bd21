using System.Text;
using RabbitMQ.Client.Events;

namespace Gozon.Messaging;

/// <summary>The envelope of a delivery: what the broker says about the message, read once.</summary>
public sealed record IncomingMessage(
    Guid MessageId,
    string Type,
    string? CorrelationId,
    string? TraceParent,
    string? TraceState,
    long DeliveryCount,
    ReadOnlyMemory<byte> Body)
{
    /// <summary>Reads the envelope, or says why the delivery cannot be a Gozon message.</summary>
    public static bool TryRead(BasicDeliverEventArgs delivery, out IncomingMessage? message, out string? error)
    {
        message = null;
        var properties = delivery.BasicProperties;
        if (!Guid.TryParse(properties.MessageId, out var messageId))
        {
            error = $"message id '{properties.MessageId}' is missing or not a GUID";
            return false;
        }

        if (string.IsNullOrWhiteSpace(properties.Type))
        {
            error = "message type is missing";
            return false;
        }

        var headers = properties.Headers;
        message = new IncomingMessage(
            messageId,
            properties.Type,
            properties.CorrelationId,
            HeaderString(headers, MessageHeaders.TraceParent),
            HeaderString(headers, MessageHeaders.TraceState),
            headers?.TryGetValue(MessageHeaders.DeliveryCount, out var count) == true && count is long n ? n : 0,
            delivery.Body.ToArray());
        error = null;
        return true;
    }

    private static string? HeaderString(IDictionary<string, object?>? headers, string name) =>
        headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                byte[] bytes => Encoding.UTF8.GetString(bytes),
                string text => text,
                _ => null,
            }
            : null;
}
