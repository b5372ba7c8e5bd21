using System.Text;
using RabbitMQ.Client.Events;

namespace Gozon.Messaging;

/// <summary>
/// The envelope of a delivery: what the broker says about the message, read once. <see cref="DeliveryCount"/> is the
/// broker's count of this copy's earlier deliveries; <see cref="HandlerFailures"/> and <see cref="Redeliveries"/> are
/// carried across the copies Gozon re-publishes (retries and redeliveries).
/// </summary>
public sealed record IncomingMessage(
    Guid MessageId,
    string Type,
    string? CorrelationId,
    string? TraceParent,
    string? TraceState,
    long DeliveryCount,
    ReadOnlyMemory<byte> Body,
    int HandlerFailures = 0,
    long Redeliveries = 0,
    long Redrives = 0)
{
    /// <summary>Every time the message came back unsettled, over all its copies.</summary>
    public long UnsettledReturns => Redeliveries + DeliveryCount;

    /// <summary>Whether <see cref="UnsettledReturns"/> is above 0, read from the headers alone (before the envelope is).</summary>
    public static bool CameBackUnsettled(BasicDeliverEventArgs delivery) =>
        HeaderNumber(delivery.BasicProperties.Headers, MessageHeaders.DeliveryCount)
        + Math.Max(0, HeaderNumber(delivery.BasicProperties.Headers, MessageHeaders.Redeliveries)) > 0;

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
            HeaderNumber(headers, MessageHeaders.DeliveryCount),
            delivery.Body.ToArray(),
            (int)Math.Clamp(HeaderNumber(headers, MessageHeaders.HandlerFailures), 0, int.MaxValue),
            Math.Max(0, HeaderNumber(headers, MessageHeaders.Redeliveries)),
            Math.Max(0, HeaderNumber(headers, MessageHeaders.Redrives)));
        error = null;
        return true;
    }

    private static long HeaderNumber(IDictionary<string, object?>? headers, string name) =>
        headers?.TryGetValue(name, out var value) == true
            ? value switch
            {
                long n => n,
                int n => n,
                short n => n,
                byte n => n,
                _ => 0,
            }
            : 0;

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
