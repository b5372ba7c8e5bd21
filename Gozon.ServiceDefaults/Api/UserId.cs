using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Http;

namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// The caller, named by the <c>X-User-Id</c> header (no passwords in this product). Binding fails with a
/// 400 problem response when the header is missing or malformed, so handlers only ever see a valid id.
/// </summary>
public sealed partial record UserId(string Value)
{
    public const string HeaderName = "X-User-Id";
    public const int MaxLength = 64;

    public static bool TryParse(string? value, out UserId? userId)
    {
        userId = value is not null && Pattern().IsMatch(value) ? new UserId(value) : null;
        return userId is not null;
    }

    public static ValueTask<UserId> BindAsync(HttpContext context)
    {
        var header = context.Request.Headers[HeaderName];
        if (header.Count == 0)
        {
            throw new BadHttpRequestException($"The {HeaderName} header is required.");
        }

        if (header.Count > 1 || !TryParse(header[0], out var userId))
        {
            throw new BadHttpRequestException(
                $"The {HeaderName} header must be 1-{MaxLength} characters of letters, digits, '-', '_' or '.'.");
        }

        return ValueTask.FromResult(userId!);
    }

    public override string ToString() => Value;

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
