using System.Text;

namespace Gozon.Tests.Support;

/// <summary>
/// A name and a value. <see cref="Raw"/> values go out as they are: a path or query value is not percent-encoded
/// (so it can carry <c>%FF</c> or a lone <c>%</c>), a body field's characters are taken as bytes (U+0000-U+00FF),
/// so it can carry invalid UTF-8.
/// </summary>
public sealed record FuzzPart(string Name, string Value, bool Raw = false);

/// <summary>A request body: a JSON object of fields (values are JSON text, valid or not), or raw bytes.</summary>
public sealed record FuzzBody(string? ContentType, IReadOnlyList<FuzzPart>? Fields, byte[]? Raw)
{
    public byte[] ToBytes()
    {
        if (Fields is null)
        {
            return Raw ?? [];
        }

        var bytes = new List<byte>();
        bytes.Add((byte)'{');
        for (var i = 0; i < Fields.Count; i++)
        {
            bytes.AddRange(Encoding.UTF8.GetBytes((i > 0 ? "," : "") + FuzzText.JsonString(Fields[i].Name) + ":"));
            bytes.AddRange(Fields[i].Raw ? Encoding.Latin1.GetBytes(Fields[i].Value) : Encoding.UTF8.GetBytes(Fields[i].Value));
        }

        bytes.Add((byte)'}');
        return [.. bytes];
    }
}

/// <summary>One generated request for one documented operation, and the simpler requests FsCheck shrinks it to.</summary>
public sealed record FuzzCase(
    ApiOperation Operation,
    IReadOnlyList<FuzzPart> PathValues,
    IReadOnlyList<FuzzPart> Query,
    IReadOnlyList<FuzzPart> Headers,
    bool Latin1Headers,
    FuzzBody? Body)
{
    /// <summary>Marks a request whose header values go out as Latin-1 bytes (0x80-0xFF: invalid UTF-8).</summary>
    public static readonly HttpRequestOptionsKey<bool> Latin1HeadersOption = new("Gozon.Fuzz.Latin1Headers");

    public string PathAndQuery
    {
        get
        {
            var path = PathValues.Aggregate(Operation.Path, (p, v) => p.Replace("{" + v.Name + "}", v.Raw ? v.Value : FuzzText.PercentEncode(v.Value)));
            return Query.Count == 0
                ? path
                : path + "?" + string.Join('&', Query.Select(q => FuzzText.PercentEncode(q.Name) + "=" + (q.Raw ? q.Value : FuzzText.PercentEncode(q.Value))));
        }
    }

    /// <summary>
    /// A header value with a control character (other than tab) is not HTTP (RFC 9110, 5.5), Kestrel refuses header
    /// bytes that are not UTF-8 and a NUL in the path: the server's HTTP layer may answer those with a bare 400 before
    /// any application code runs.
    /// </summary>
    public bool BreaksHttp =>
        Headers.Any(h => h.Value.Any(c => c is < ' ' and not '\t' or '\u007f' || (Latin1Headers && c > '\u007f')))
        || PathAndQuery.Split('?')[0].Contains("%00", StringComparison.Ordinal);

    /// <summary>The client accepts neither JSON nor problem JSON, so a problem document cannot be its answer.</summary>
    public bool RefusesJson => Headers.Where(h => h.Name == "Accept").Any(h => !h.Value.Split(',').Any(AcceptsJson));

    public HttpRequestMessage ToRequest()
    {
        var request = new HttpRequestMessage(new HttpMethod(Operation.Method), PathAndQuery);
        foreach (var header in Headers)
        {
            request.Headers.TryAddWithoutValidation(header.Name, header.Value);
        }

        request.Options.Set(Latin1HeadersOption, Latin1Headers);
        if (Body is not null)
        {
            request.Content = new ByteArrayContent(Body.ToBytes());
            if (Body.ContentType is not null)
            {
                request.Content.Headers.TryAddWithoutValidation("Content-Type", Body.ContentType);
            }
        }

        return request;
    }

    /// <summary>Simpler variants, biggest cuts first; the caller filters out any that would touch a real user.</summary>
    public IEnumerable<FuzzCase> Shrink()
    {
        if (Body is not null)
        {
            yield return this with { Body = null };
            if (Body.Fields is { } fields)
            {
                for (var i = 0; i < fields.Count; i++)
                {
                    yield return this with { Body = Body with { Fields = Without(fields, i) } };
                }
            }

            if (Body.Raw is { Length: > 1 } raw)
            {
                yield return this with { Body = Body with { Raw = raw[..(raw.Length / 2)] } };
                yield return this with { Body = Body with { Raw = raw[(raw.Length / 2)..] } };
            }

            if (Body.ContentType is not "application/json")
            {
                yield return this with { Body = Body with { ContentType = "application/json" } };
            }
        }

        for (var i = 0; i < Headers.Count; i++)
        {
            yield return this with { Headers = Without(Headers, i) };
            if (Headers[i].Value.Length > 1)
            {
                yield return this with { Headers = Replace(Headers, i, Headers[i] with { Value = Headers[i].Value[..(Headers[i].Value.Length / 2)] }) };
            }
        }

        for (var i = 0; i < Query.Count; i++)
        {
            yield return this with { Query = Without(Query, i) };
            if (Query[i].Value.Length > 1 && !Query[i].Raw)
            {
                yield return this with { Query = Replace(Query, i, Query[i] with { Value = Query[i].Value[..(Query[i].Value.Length / 2)] }) };
            }
        }

        for (var i = 0; i < PathValues.Count; i++)
        {
            if (PathValues[i].Value.Length > 1)
            {
                yield return this with { PathValues = Replace(PathValues, i, PathValues[i] with { Value = PathValues[i].Value[..(PathValues[i].Value.Length / 2)] }) };
            }
        }

        if (Latin1Headers)
        {
            yield return this with { Latin1Headers = false };
        }
    }

    public override string ToString()
    {
        var text = new StringBuilder($"{Operation.Method} {FuzzText.Visible(PathAndQuery, 400)}");
        foreach (var header in Headers)
        {
            text.Append($"\n  {header.Name}: \"{FuzzText.Visible(header.Value)}\"");
        }

        if (Latin1Headers)
        {
            text.Append("\n  (header values sent as Latin-1 bytes)");
        }

        if (Body is not null)
        {
            var bytes = Body.ToBytes();
            text.Append($"\n  Content-Type: {(Body.ContentType is null ? "(none)" : $"\"{FuzzText.Visible(Body.ContentType)}\"")}");
            text.Append($"\n  body ({bytes.Length} bytes): {FuzzText.Visible(bytes, 400)}");
        }

        return text.ToString();
    }

    private static bool AcceptsJson(string mediaRange) =>
        mediaRange.Split(';')[0].Trim() is "*/*" or "application/*" or "application/json" or "application/problem+json";

    private static List<T> Without<T>(IReadOnlyList<T> items, int index) => [.. items.Where((_, i) => i != index)];

    private static List<T> Replace<T>(IReadOnlyList<T> items, int index, T item) => [.. items.Select((x, i) => i == index ? item : x)];
}
