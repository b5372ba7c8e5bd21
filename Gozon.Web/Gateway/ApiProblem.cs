using System.Net;

namespace Gozon.Web.Gateway;

/// <summary>
/// An RFC 7807 problem from the API, or a failure to reach it, turned into words a shopper can read.
/// <see cref="Errors"/> holds per-field messages (validation problems) so forms can show them beside the field.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors)
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public string Message => Errors.Count > 0
        ? string.Join(" ", Errors.Values.SelectMany(messages => messages))
        : Detail ?? Title;

    public string? ErrorFor(string field) =>
        Errors.FirstOrDefault(e => string.Equals(e.Key, field, StringComparison.OrdinalIgnoreCase)).Value is { Length: > 0 } messages
            ? string.Join(" ", messages)
            : null;

    public bool IsNotFound => Status == (int)HttpStatusCode.NotFound;

    /// <summary>The gateway no longer accepts the shopper's tokens (or there are none): they must sign in again.</summary>
    public bool IsSignedOut => Status == (int)HttpStatusCode.Unauthorized;

    public static ApiProblem Unreachable(string detail) =>
        new((int)HttpStatusCode.ServiceUnavailable, "The shop can't be reached right now.", detail, NoErrors);

    public static ApiProblem FromStatus(HttpStatusCode status, string? reason) =>
        new((int)status, reason ?? $"The shop answered {(int)status}.", null, NoErrors);

    public static ApiProblem SignedOut() =>
        new((int)HttpStatusCode.Unauthorized, "Please sign in again.", "Your session has ended.", NoErrors);

    /// <summary>A 429 without a problem body: what the rate limiter's Retry-After says is all there is to tell.</summary>
    public static ApiProblem TooManyAttempts(TimeSpan? retryAfter) =>
        new((int)HttpStatusCode.TooManyRequests, "Too many attempts.",
            retryAfter is { } wait
                ? $"Too many attempts; please try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds))} seconds."
                : "Too many attempts; please try again in a minute.",
            NoErrors);

    public static ApiProblem Invalid(string field, string message) =>
        new((int)HttpStatusCode.BadRequest, "Check the form.", null, new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>Either the API's answer or the problem that came instead.</summary>
public readonly record struct ApiResult<T>(T? Value, ApiProblem? Problem)
{
    public static implicit operator ApiResult<T>(T value) => new(value, null);

    public static implicit operator ApiResult<T>(ApiProblem problem) => new(default, problem);
}
