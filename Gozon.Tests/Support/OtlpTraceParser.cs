using System.Text;

namespace Gozon.Tests.Support;

/// <summary>
/// Reads the few fields of an OTLP <c>ExportTraceServiceRequest</c> a trace test needs, straight from the protobuf
/// wire format (the OpenTelemetry proto package is not available here): resource_spans(1) → resource(1) →
/// attributes(1) key/value, and scope_spans(2) → spans(2) → trace_id(1), span_id(2), parent_span_id(4), name(5), kind(6).
/// </summary>
public static class OtlpTraceParser
{
    public static IEnumerable<ReceivedSpan> Parse(ReadOnlyMemory<byte> request)
    {
        foreach (var resourceSpans in Fields(request).Where(f => f.Number == 1))
        {
            var fields = Fields(resourceSpans.Bytes).ToList();
            var service = fields.Where(f => f.Number == 1).SelectMany(r => Fields(r.Bytes))
                .Where(f => f.Number == 1).Select(Attribute)
                .FirstOrDefault(a => a.Key == "service.name").Value ?? "?";
            foreach (var scopeSpans in fields.Where(f => f.Number == 2))
            {
                foreach (var span in Fields(scopeSpans.Bytes).Where(f => f.Number == 2))
                {
                    yield return ToSpan(service, Fields(span.Bytes).ToList());
                }
            }
        }
    }

    private static ReceivedSpan ToSpan(string service, List<Field> fields)
    {
        string? Hex(int number) => fields.FirstOrDefault(f => f.Number == number) is { Bytes.Length: > 0 } f
            ? Convert.ToHexStringLower(f.Bytes.Span) : null;
        var name = fields.FirstOrDefault(f => f.Number == 5) is { } n ? Encoding.UTF8.GetString(n.Bytes.Span) : "";
        var kind = (int)(fields.FirstOrDefault(f => f.Number == 6)?.Varint ?? 0);
        return new ReceivedSpan(service, Hex(1) ?? "", Hex(2) ?? "", Hex(4), name, kind);
    }

    private static (string Key, string? Value) Attribute(Field keyValue)
    {
        var parts = Fields(keyValue.Bytes).ToList();
        var key = parts.FirstOrDefault(p => p.Number == 1) is { } k ? Encoding.UTF8.GetString(k.Bytes.Span) : "";
        var value = parts.FirstOrDefault(p => p.Number == 2) is { } v
            && Fields(v.Bytes).FirstOrDefault(p => p.Number == 1) is { } text
            ? Encoding.UTF8.GetString(text.Bytes.Span) : null;
        return (key, value);
    }

    private sealed record Field(int Number, ulong Varint, ReadOnlyMemory<byte> Bytes);

    private static IEnumerable<Field> Fields(ReadOnlyMemory<byte> message)
    {
        var position = 0;
        while (position < message.Length)
        {
            var tag = ReadVarint(message.Span, ref position);
            var number = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0:
                    yield return new Field(number, ReadVarint(message.Span, ref position), ReadOnlyMemory<byte>.Empty);
                    break;
                case 1:
                    position += 8;
                    break;
                case 2:
                    var length = (int)ReadVarint(message.Span, ref position);
                    yield return new Field(number, 0, message.Slice(position, length));
                    position += length;
                    break;
                case 5:
                    position += 4;
                    break;
                default:
                    throw new FormatException($"Unsupported protobuf wire type {tag & 7} at byte {position}.");
            }
        }
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> bytes, ref int position)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = bytes[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return value;
            }
        }
    }
}
