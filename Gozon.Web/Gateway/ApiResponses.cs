using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gozon.Web.Gateway;

/// <summary>How the gateway's answers are read, for the shop's API and the identity endpoints alike.</summary>
internal static class ApiResponses
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static async Task<ApiResult<T>> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken) =>
        response.IsSuccessStatusCode
            ? (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!
            : await ReadProblemAsync(response, cancellationToken);

    public static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            if (problem is not null)
            {
                return new ApiProblem(
                    (int)response.StatusCode,
                    problem.Title ?? response.ReasonPhrase ?? "Something went wrong.",
                    // A rate limiter's problem may leave the wait to its Retry-After header.
                    problem.Detail ?? (response.StatusCode == HttpStatusCode.TooManyRequests
                        ? ApiProblem.TooManyAttempts(RetryAfter(response)).Detail
                        : null),
                    problem.Errors ?? new Dictionary<string, string[]>());
            }
        }

        return response.StatusCode switch
        {
            HttpStatusCode.TooManyRequests => ApiProblem.TooManyAttempts(RetryAfter(response)),
            HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout =>
                ApiProblem.Unreachable("A part of the shop is not answering; please try again in a moment."),
            _ => ApiProblem.FromStatus(response.StatusCode, response.ReasonPhrase),
        };
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);
}
