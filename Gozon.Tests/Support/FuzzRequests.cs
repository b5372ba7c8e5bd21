using FsCheck;
using FsCheck.Fluent;
using Gozon.ServiceDefaults.Api;

namespace Gozon.Tests.Support;

/// <summary>
/// Generates requests for the documented operations. The caller is always one of <paramref name="runUsers"/>, absent, or
/// malformed; never any other valid user id, also after the server trims the header's surrounding spaces, and also after
/// shrinking. A few Idempotency-Keys are reused on purpose, so repeats and mismatches happen too.
/// </summary>
public sealed class FuzzRequests(IReadOnlyList<ApiOperation> operations, IReadOnlyList<string> runUsers)
{
    private static readonly string[] Keys = ["fuzz-key-1", "fuzz-key-2", "fuzz-key-3"];

    public Arbitrary<FuzzCase> Arbitrary() => Arb.From(Case(), c => c.Shrink().Where(IsSafe));

    /// <summary>True unless the case names a valid user that is not one of the run's.</summary>
    public bool IsSafe(FuzzCase fuzzCase) => fuzzCase.Headers
        .Where(h => string.Equals(h.Name, UserId.HeaderName, StringComparison.OrdinalIgnoreCase))
        .All(h => IsRunUserOrInvalid(h.Value));

    private bool IsRunUserOrInvalid(string value)
    {
        var trimmed = value.Trim(' ', '\t');
        return runUsers.Contains(trimmed) || !UserId.TryParse(trimmed, out _);
    }

    private Gen<FuzzCase> Case() =>
        from operation in Gen.Elements(operations.ToArray())
        from path in Gen.CollectToArray(operation.Parameters.Where(p => p.In == ParameterLocation.Path),
            p => FuzzValues.Parameter(p.Name, p.Type, p.Format))
        from query in Query(operation)
        from headers in Headers(operation)
        from latin1 in Gen.Frequency((9, Gen.Constant(false)), (1, Gen.Constant(true)))
        from body in Body(operation)
        select new FuzzCase(operation, path, query, headers, latin1, body);

    private static Gen<FuzzPart[]> Query(ApiOperation operation) =>
        from declared in Gen.CollectToArray(operation.Parameters.Where(p => p.In == ParameterLocation.Query),
            p => Gen.Frequency(
                (2, Gen.Constant(Array.Empty<FuzzPart>())),
                (4, FuzzValues.Parameter(p.Name, p.Type, p.Format).Select(v => new[] { v })),
                (1, Gen.Two(FuzzValues.Parameter(p.Name, p.Type, p.Format)).Select(t => new[] { t.Item1, t.Item2 }))))
        from extra in Gen.Frequency(
            (4, Gen.Constant(Array.Empty<FuzzPart>())),
            (1, Gen.ArrayOf(from name in FuzzValues.Text from value in FuzzValues.Text select new FuzzPart(name, value), 2)))
        select declared.SelectMany(d => d).Concat(extra).ToArray();

    private Gen<FuzzPart[]> Headers(ApiOperation operation) =>
        from user in Gen.Frequency(
            (6, Gen.Elements(runUsers.ToArray()).Select(u => (string?)u)),
            (1, Gen.Constant<string?>(null)),
            (3, FuzzValues.HeaderText.Where(IsRunUserOrInvalid).Select(u => (string?)u)))
        from declared in Gen.CollectToArray(
            operation.Parameters.Where(p => p.In == ParameterLocation.Header && !string.Equals(p.Name, UserId.HeaderName, StringComparison.OrdinalIgnoreCase)),
            p => Gen.Frequency(
                (4, Gen.Constant<FuzzPart?>(null)),
                (3, Gen.Elements(Keys).Select(k => (FuzzPart?)new FuzzPart(p.Name, k))),
                (3, FuzzValues.HeaderText.Select(v => (FuzzPart?)new FuzzPart(p.Name, v)))))
        from accept in Gen.Frequency(
            (6, Gen.Constant<FuzzPart?>(null)),
            (1, Gen.Elements("application/xml", "text/html", "*/*", "application/problem+json", "garbage;;q=x")
                .Select(a => (FuzzPart?)new FuzzPart("Accept", a))))
        select new[] { user is null ? null : new FuzzPart(UserId.HeaderName, user) }
            .Concat(declared).Append(accept).OfType<FuzzPart>().ToArray();

    private static Gen<FuzzBody?> Body(ApiOperation operation) => operation.Body is { } fields
        ? Gen.Frequency(
            (8, JsonObject(fields).Select(b => (FuzzBody?)b)),
            (2, FuzzValues.RawBody(FuzzValues.ContentType).Select(b => (FuzzBody?)b)),
            (1, Gen.Constant<FuzzBody?>(null)))
        : Gen.Frequency(
            (6, Gen.Constant<FuzzBody?>(null)),
            (1, FuzzValues.RawBody(FuzzValues.ContentType).Select(b => (FuzzBody?)b)),
            (1, JsonObject([]).Select(b => (FuzzBody?)b)));

    /// <summary>The schema's fields, each left out, valid or broken, plus now and then a field it does not have.</summary>
    private static Gen<FuzzBody> JsonObject(IReadOnlyList<ApiField> fields) =>
        from type in FuzzValues.ContentType
        from declared in Gen.CollectToArray(fields, f => Gen.Frequency(
            (1, Gen.Constant<FuzzPart?>(null)),
            (5, FuzzValues.JsonValue(f.Name, f.Type).Select(v => (FuzzPart?)v))))
        from extra in Gen.Frequency(
            (4, Gen.Constant(Array.Empty<FuzzPart>())),
            (1, Gen.ArrayOf(
                from name in Gen.Frequency(
                    (2, Gen.Elements(fields.Select(f => f.Name).Concat(["Amount", "AMOUNT", "userId", "id", "status", "__proto__", ""]))),
                    (1, FuzzValues.Text))
                from value in FuzzValues.JsonValue(name, "string")
                select value, 2)))
        select new FuzzBody(type, [.. declared.OfType<FuzzPart>(), .. extra], null);
}
