using System.Text;

namespace Gozon.Tests.Support;

/// <summary>Encodings the fuzzer needs to send any character, and to show what it sent.</summary>
public static class FuzzText
{
    /// <summary>
    /// A JSON string literal in pure ASCII: everything else as \uXXXX escapes, so unpaired surrogates and control
    /// characters reach the server's JSON reader exactly as generated.
    /// </summary>
    public static string JsonString(string value)
    {
        var json = new StringBuilder("\"");
        foreach (var c in value)
        {
            json.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return json.Append('"').ToString();
    }

    /// <summary>RFC 3986 percent-encoding of the UTF-8 bytes (an unpaired surrogate becomes U+FFFD's bytes).</summary>
    public static string PercentEncode(string value)
    {
        var encoded = new StringBuilder();
        foreach (var b in Encoding.UTF8.GetBytes(value))
        {
            encoded.Append(b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9')
                or (byte)'-' or (byte)'.' or (byte)'_' or (byte)'~'
                ? ((char)b).ToString()
                : $"%{b:X2}");
        }

        return encoded.ToString();
    }

    /// <summary>Printable ASCII as is, anything else escaped, long values cut with their length.</summary>
    public static string Visible(string value, int max = 200)
    {
        var text = new StringBuilder();
        foreach (var c in value.Take(max))
        {
            text.Append(c is >= ' ' and <= '~' ? c.ToString() : $"\\u{(int)c:x4}");
        }

        return value.Length > max ? $"{text}... ({value.Length} chars)" : text.ToString();
    }

    public static string Visible(byte[] value, int max)
    {
        var text = new StringBuilder();
        foreach (var b in value.Take(max))
        {
            text.Append(b is >= 0x20 and <= 0x7e ? ((char)b).ToString() : $"\\x{b:X2}");
        }

        return value.Length > max ? $"{text}... ({value.Length} bytes)" : text.ToString();
    }
}
