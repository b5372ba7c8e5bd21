using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// The caller, named by the <c>X-User-Id</c> header (no passwords in this product). Binding fails with a
/// 400 problem response when the header is missing or malformed, so handlers only ever see a valid id.
/// </summary>
public sealed partial record UserId(string Value)
{
    public const string HeaderName = "X-User-Id";
    public const int MaxLength = 64;
    public const string QueryName = "userId";

    public static bool TryParse(string? value, out UserId? userId)
    {
        userId = value is not null && Pattern().IsMatch(value) ? new UserId(value) : null;
        return userId is not null;
    }

    public static ValueTask<UserId> BindAsync(HttpContext context) =>
        TryRead(context.Request.Headers[HeaderName], out var userId, out var error)
            ? ValueTask.FromResult(userId!)
            : throw new BadHttpRequestException(error!);

    /// <summary>
    /// The caller of a WebSocket connection: the <c>X-User-Id</c> header, or the <c>userId</c> query parameter
    /// for browsers, whose WebSocket API cannot set headers.
    /// </summary>
    public static bool TryReadConnection(HttpRequest request, out UserId? userId, out string? error)
    {
        var header = request.Headers[HeaderName];
        return header.Count == 0 && request.Query.TryGetValue(QueryName, out var query)
            ? TryRead(query, out userId, out error)
            : TryRead(header, out userId, out error);
    }

    private static bool TryRead(StringValues values, out UserId? userId, out string? error)
    {
        userId = null;
        error = values.Count switch
        {
            0 => $"The {HeaderName} header is required.",
            > 1 => $"Give {HeaderName} once.",
            _ when !TryParse(values[0], out userId) =>
                $"The {HeaderName} header must be 1-{MaxLength} characters of letters, digits, '-', '_' or '.'.",
            _ => null,
        };
        return error is null;
    }

    public override string ToString() => Value;

    // \z, not $: $ also matches before a final newline, so "alice\n" would be a user of its own.
    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
