using System.Globalization;
using System.Text;
using FsCheck;
using FsCheck.Fluent;

namespace Gozon.Tests.Support;

/// <summary>
/// Generators of the values the fuzzer puts in bodies, headers, queries and paths: some valid, most broken in one of the
/// ways issue 15 lists. Everything random comes from FsCheck, so a seed replays a run exactly.
/// </summary>
public static class FuzzValues
{
    private static readonly string[] EdgeNumbers =
    [
        "0", "-0", "-5", "-0.01", "0.001", "1.005", "1e400", "-1e400", "1E-400", "1e2", "1000000000.01",
        "79228162514264337593543950335", "79228162514264337593543950336", "-79228162514264337593543950336",
        "1" + new string('0', 400), "0." + new string('0', 400) + "1", "1.0000000000000000000000000001",
        "01", "1.", "-", ".5", "+1", "NaN", "Infinity", "0x10", "1_000", "1e", "--1",
    ];

    private static readonly string[] EdgeStrings =
    [
        "\"10\"", "\"\"", "\"   \"", "\"\\u0000\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\udc00\\ud800\"", "\"\\uD83D\\uDE00\"",
        "\"\\u2028\"", "\"\\x41\"", "\"\\u12\"", "\"abc", "\"\\\"", "\"\\t\"",
    ];

    private static readonly string[] Structural =
    [
        "null", "true", "false", "[]", "[1,2]", "{}", "{\"a\":1}", "", "{", "[",
        new string('[', 70) + new string(']', 70), string.Concat(Enumerable.Repeat("{\"a\":", 70)) + "1" + new string('}', 70),
    ];

    // Latin-1 characters standing for bytes: invalid UTF-8 (a lone continuation byte, an overlong '/', a UTF-8-encoded
    // surrogate, a cut sequence) and raw control bytes, which JSON does not allow inside strings.
    private static readonly string[] RawBytes =
    [
        "\"\u00ff\"", "\"\u00c0\u00af\"", "\"\u00ed\u00a0\u0080\"", "\"\u00e2\u0082\"", "\"a\u0000b\"", "\"\u0001\"", "\"tab\there\"",
        "\u00ff", "5\u0000", "\"\u0080\"",
    ];

    private static readonly string[] RawBodies =
    [
        "", " ", "null", "[]", "\"x\"", "42", "{", "{\"amount\":", "not json", "{}x", "\ufeff{}", "/*c*/{}", "{\"amount\":5,}",
        "{\"amount\":5 \"description\":\"x\"}", "{\"amount\":5}{\"amount\":6}", new string('[', 100), "{\"amount\":5}\u0000",
    ];

    public static Gen<char> Char { get; } = Gen.Frequency(
        (6, Gen.Choose(0x20, 0x7e)), (1, Gen.Choose(0, 0x1f)), (1, Gen.Choose(0xd800, 0xdfff)), (2, Gen.Choose(0x80, 0xffff)))
        .Select(c => (char)c);

    /// <summary>Any UTF-16 text, unpaired surrogates and control characters included; length grows with FsCheck's size.</summary>
    public static Gen<string> Text { get; } = Gen.Sized(size => Gen.Choose(0, Math.Max(1, size))
        .SelectMany(length => Gen.ArrayOf(Char, length))).Select(chars => new string(chars));

    public static Gen<string> LongText { get; } =
        from length in Gen.Elements(499, 500, 501, 4_096, 20_000)
        from c in Gen.Elements('x', 'é', ' ', '\0', '\ud83d', '\u0085')
        select new string(c, length);

    public static Gen<Guid> Guid { get; } = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), 16).Select(bytes => new Guid(bytes));

    /// <summary>A JSON value for a field of <paramref name="type"/>: valid for it, or wrong in type, range, syntax or encoding.</summary>
    public static Gen<FuzzPart> JsonValue(string name, string type) => Gen.Frequency(
        (3, Valid(type).Select(v => new FuzzPart(name, v))),
        (3, Number.Select(v => new FuzzPart(name, v))),
        (3, JsonStringValue.Select(v => new FuzzPart(name, v))),
        (1, Gen.Elements(Structural).Select(v => new FuzzPart(name, v))),
        (1, Gen.Elements(RawBytes).Select(v => new FuzzPart(name, v, Raw: true))));

    public static Gen<string> Number { get; } = Gen.Frequency(
        (3, Gen.Elements(EdgeNumbers)),
        (1, Gen.Choose(int.MinValue, int.MaxValue).Select(n => n.ToString(CultureInfo.InvariantCulture))),
        (1, from whole in Gen.Choose(0, 1_000_000_000) from cents in Gen.Choose(0, 999_999) select $"{whole}.{cents}"),
        (1, Gen.Choose(-330, 330).Select(exponent => $"1e{exponent}")));

    public static Gen<string> JsonStringValue { get; } = Gen.Frequency(
        (2, Gen.Elements(EdgeStrings)), (3, Text.Select(FuzzText.JsonString)), (1, LongText.Select(FuzzText.JsonString)));

    public static Gen<FuzzBody> RawBody(Gen<string?> contentType) =>
        from type in contentType
        from raw in Gen.Frequency(
            (3, Gen.Elements(RawBodies).Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Constant(Encoding.Unicode.GetBytes("{\"amount\":5}"))),
            (1, Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b))))
        select new FuzzBody(type, null, raw);

    public static Gen<string?> ContentType { get; } = Gen.Frequency(
        (12, Gen.Constant<string?>("application/json")),
        (1, Gen.Constant<string?>("application/json; charset=utf-8")),
        (1, Gen.Constant<string?>(null)),
        (2, Gen.Elements<string?>(
            "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data",
            "application/json; charset=utf-16", "application/json; charset=iso-8859-1", "application/json; charset=bogus",
            "application/merge-patch+json", "application/problem+json", "*/*", "json", "", ";;;", "application/json; boundary=\"")));

    /// <summary>
    /// A value for a query or path parameter of <paramref name="type"/>, percent-encoded unless raw. Values stay well within
    /// Kestrel's 8 KB request line: a longer one is refused by HTTP itself (a bare 414), before any API code runs.
    /// </summary>
    public static Gen<FuzzPart> Parameter(string name, string type, string? format) => Gen.Frequency(
        (3, (format == "uuid" ? Guid.Select(g => g.ToString()) : Valid(type).Select(v => v.Trim('"'))).Select(v => new FuzzPart(name, v))),
        (1, Gen.Choose(-5, 2_000).Select(n => new FuzzPart(name, n.ToString(CultureInfo.InvariantCulture)))),
        (2, Gen.Elements(
            "0", "-1", "2147483647", "2147483648", "-2147483649", "99999999999999999999", "1.5", "1e3", "abc", "", " 1",
            "0x10", "\u0661\u0662", "+5", "00000000-0000-0000-0000-000000000000", "not-a-guid", new string('9', 2_000))
            .Select(v => new FuzzPart(name, v))),
        (1, Gen.Elements("%00", "%FF", "%C0%AF", "%", "%zz", "%E2%82", "%2F", "..", "%2e%2e", "a%2Fb").Select(v => new FuzzPart(name, v, Raw: true))),
        (2, Text.Select(v => new FuzzPart(name, v))));

    /// <summary>A header value: any text but CR and LF, which no HTTP client sends and this one refuses to.</summary>
    public static Gen<string> HeaderText { get; } = Gen.Frequency(
        (3, Text),
        (1, Gen.Elements("", " ", "has space", "semi;colon", "\u00fcn\u00efcode", new string('a', 65), "a/b", "a\tb", "\0", "x\u007f", "\ud800", "\ud83d\ude00")),
        (1, Gen.Elements(200, 201, 1_000).Select(n => new string('k', n))))
        .Select(v => v.Replace('\r', '?').Replace('\n', '?'));

    private static Gen<string> Valid(string type) => type switch
    {
        "number" => Gen.Elements("1", "5", "0.01", "12.5", "999999999.99", "1000000000"),
        "integer" => Gen.Elements("1", "10", "1000"),
        "boolean" => Gen.Elements("true", "false"),
        "object" => Gen.Constant("{}"),
        "array" => Gen.Constant("[]"),
        _ => Gen.Elements("fuzz", "a book", new string('x', 500)).Select(FuzzText.JsonString),
    };
}
