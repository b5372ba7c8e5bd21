using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Gozon.ServiceDefaults.Api;
using Gozon.Web.Identity;

namespace Gozon.Web.Gateway;

/// <summary>
/// The REST API through the gateway (base address <c>http://gateway</c>, resolved by service discovery), as the
/// signed-in shopper: each call carries their access token, which the gateway turns into the user the services see.
/// Every POST carries an Idempotency-Key chosen per user action, so the resilience handler's retries and a
/// double click cannot pay or top up twice.
/// </summary>
public sealed partial class GatewayClient(IHttpClientFactory httpClients, ShopperTokens tokens, ILogger<GatewayClient> logger)
{
    public const string ServiceUri = "http://gateway";

    public Task<ApiResult<Account>> GetAccountAsync(Shopper shopper, CancellationToken cancellationToken) =>
        SendAsync<Account>(HttpMethod.Get, "api/payments/accounts/balance", shopper, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiResult<Account>> CreateAccountAsync(Shopper shopper, CancellationToken cancellationToken) =>
        SendAsync<Account>(HttpMethod.Post, "api/payments/accounts", shopper, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiResult<Account>> TopUpAsync(Shopper shopper, decimal amount, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Account>(HttpMethod.Post, "api/payments/accounts/topup", shopper, new { amount }, idempotencyKey, cancellationToken);

    public Task<ApiResult<Order>> PlaceOrderAsync(
        Shopper shopper, decimal amount, string description, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<Order>(HttpMethod.Post, "api/orders", shopper, new { amount, description }, idempotencyKey, cancellationToken);

    public Task<ApiResult<List<Order>>> ListOrdersAsync(Shopper shopper, CancellationToken cancellationToken) =>
        SendAsync<List<Order>>(HttpMethod.Get, "api/orders", shopper, body: null, idempotencyKey: null, cancellationToken);

    public Task<ApiResult<Order>> GetOrderAsync(Shopper shopper, Guid orderId, CancellationToken cancellationToken) =>
        SendAsync<Order>(HttpMethod.Get, $"api/orders/{orderId}", shopper, body: null, idempotencyKey: null, cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(
        HttpMethod method, string path, Shopper shopper, object? body, string? idempotencyKey, CancellationToken cancellationToken)
    {
        var token = await tokens.GetAccessTokenAsync(shopper.SessionId, cancellationToken);
        if (token.Problem is { } noToken)
        {
            return noToken;
        }

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.Value);
        if (idempotencyKey is not null)
        {
            request.Headers.Add(IdempotencyKey.HeaderName, idempotencyKey);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: ApiResponses.Json);
        }

        try
        {
            // A client per call: a tab lives for hours, and the factory rotates handlers (DNS, discovery) meanwhile.
            using var response = await httpClients.CreateClient(nameof(GatewayClient)).SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                // A token refreshed in time and still refused will be refused again: the session is over.
                LogTokenRefused(method, path, shopper.UserName);
                await tokens.EndAsync(shopper.SessionId, CancellationToken.None);
            }

            return await ApiResponses.ReadAsync<T>(response, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException
                                          && !cancellationToken.IsCancellationRequested)
        {
            LogCallFailed(exception, method, path);
            return ApiProblem.Unreachable("Please try again in a moment.");
        }
    }

    [LoggerMessage(LogLevel.Warning, "{Method} {Path} through the gateway failed")]
    private partial void LogCallFailed(Exception exception, HttpMethod method, string path);

    [LoggerMessage(LogLevel.Warning, "The gateway refused the access token of {UserName} for {Method} {Path}; ending the session")]
    private partial void LogTokenRefused(HttpMethod method, string path, string userName);
}
