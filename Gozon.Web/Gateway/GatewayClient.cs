using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Gozon.ServiceDefaults.Api;

namespace Gozon.Web.Gateway;

/// <summary>
/// The REST API through the gateway (base address <c>http://gateway</c>, resolved by service discovery).
/// Every POST carries an Idempotency-Key chosen per user action, so the resilience handler's retries and a
/// double click cannot pay or top up twice.
/// </summary>
public sealed partial class GatewayClient(IHttpClientFactory httpClients, ILogger<GatewayClient> logger)
{
    public const string ServiceUri = "http://gateway";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public Task<ApiResult<Account>> GetAccountAsync(string userId, CancellationToken cancellationToken) =>
        SendAsync<Account>(HttpMethod.Get, "api/payments/accounts/balance", userId, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiResult<Account>> CreateAccountAsync(string userId, CancellationToken cancellationToken) =>
        SendAsync<Account>(HttpMethod.Post, "api/payments/accounts", userId, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiResult<Account>> TopUpAsync(string userId, decimal amount, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Account>(HttpMethod.Post, "api/payments/accounts/topup", userId, new { amount }, idempotencyKey, cancellationToken);

    public Task<ApiResult<Order>> PlaceOrderAsync(
        string userId, decimal amount, string description, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Order>(HttpMethod.Post, "api/orders", userId, new { amount, description }, idempotencyKey, cancellationToken);

    public Task<ApiResult<List<Order>>> ListOrdersAsync(string userId, CancellationToken cancellationToken) =>
        SendAsync<List<Order>>(HttpMethod.Get, "api/orders", userId, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiResult<Order>> GetOrderAsync(string userId, Guid orderId, CancellationToken cancellationToken) =>
        SendAsync<Order>(HttpMethod.Get, $"api/orders/{orderId}", userId, body: null, idempotencyKey: null, cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method, string path, string userId, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Add(UserId.HeaderName, userId);
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKey.HeaderName, idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        try
        {
            // A client per call: a tab lives for hours, and the factory rotates handlers (DNS, discovery) meanwhile.
            using var response = await httpClients.CreateClient(nameof(GatewayClient)).SendAsync(request, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
            }

            return await ReadProblemAsync(response, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException
                                          && !cancellationToken.IsCancellationRequested)
        {
            LogCallFailed(exception, method, path);
            return ApiProblem.Unreachable("Please try again in a moment.");
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType == "application/problem+json")
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            if (problem is not null)
            {
                return new ApiProblem(
                    (int)response.StatusCode,
                    problem.Title ?? response.ReasonPhrase ?? "Something went wrong.",
                    problem.Detail,
                    problem.Errors ?? new Dictionary<string, string[]>());
            }
        }

        return response.StatusCode is HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout
            ? ApiProblem.Unreachable("A part of the shop is not answering; please try again in a moment.")
            : ApiProblem.FromStatus(response.StatusCode, response.ReasonPhrase);
    }

    private sealed record ProblemBody(string? Title, string? Detail, Dictionary<string, string[]>? Errors);

    [LoggerMessage(LogLevel.Warning, "{Method} {Path} through the gateway failed")]
    private partial void LogCallFailed(Exception exception, HttpMethod method, string path);
}
