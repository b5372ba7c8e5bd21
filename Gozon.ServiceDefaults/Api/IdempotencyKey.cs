using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// The optional <c>Idempotency-Key</c> header: a repeat with the same key (per user) returns the first
/// result and changes nothing; the same key with a different request is refused with 422.
/// </summary>
public static class IdempotencyKey
{
    public const string HeaderName = "Idempotency-Key";
    public const int MaxLength = 200;

    public static string? Validate(string? key) =>
        key is null || (key.Length is > 0 and <= MaxLength && key.All(c => c is >= '!' and <= '~'))
            ? null
            : $"'{HeaderName}' must be 1-{MaxLength} visible ASCII characters.";

    public static ProblemHttpResult Mismatch() => TypedResults.Problem(
        statusCode: StatusCodes.Status422UnprocessableEntity,
        title: "Idempotency key reused.",
        detail: $"This {HeaderName} was already used for a different request; use a new key for a new request.");
}
