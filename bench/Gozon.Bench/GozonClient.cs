using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gozon.Bench;

public sealed record OrderView(
    Guid Id, string UserId, decimal Amount, string Status, string? FailureReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool IsFinal => Status is "Finished" or "Cancelled";
}

public sealed record AccountView(string UserId, decimal Balance);

/// <summary>The public API through the gateway, and nothing else: the bench sees what any client sees, signed in with a bearer token.</summary>
public sealed class GozonClient(HttpClient http, UserTokens tokens)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public async Task CreateAccountAsync(string userId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/payments/accounts", userId, null, cancellationToken);
        // 409: the account exists (a re-run against the same system); the balance check accounts for it.
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureAsync(response, HttpStatusCode.Created, cancellationToken);
        }
    }

    public async Task<decimal> TopUpAsync(string userId, decimal amount, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/payments/accounts/topup", userId,
            $$"""{"amount":{{amount.ToString(CultureInfo.InvariantCulture)}}}""", cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<AccountView>(Json, cancellationToken))!.Balance;
    }

    public async Task<decimal> GetBalanceAsync(string userId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/payments/accounts/balance", userId, null, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<AccountView>(Json, cancellationToken))!.Balance;
    }

    /// <summary>Places an order; null with the reason when it was not accepted (anything but 202).</summary>
    public async Task<(OrderView? Order, string? Error)> PlaceOrderAsync(
        string userId, decimal amount, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Post, "/api/orders", userId,
                $$"""{"amount":{{amount.ToString(CultureInfo.InvariantCulture)}},"description":"bench"}""", cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                return (null, $"HTTP {(int)response.StatusCode}");
            }

            return (await response.Content.ReadFromJsonAsync<OrderView>(Json, cancellationToken), null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (null, exception.GetType().Name);
        }
    }

    public async Task<OrderView?> GetOrderAsync(string userId, Guid orderId, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", userId, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        return await response.Content.ReadFromJsonAsync<OrderView>(Json, cancellationToken);
    }

    /// <summary>The user's newest orders first.</summary>
    public async Task<List<OrderView>> ListOrdersAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get,
            string.Create(CultureInfo.InvariantCulture, $"/api/orders?limit={limit}"), userId, null, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<List<OrderView>>(Json, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string userId, string? json, CancellationToken cancellationToken)
    {
        var token = await tokens.AccessTokenAsync(userId, cancellationToken);
        var response = await SendWithTokenAsync(method, path, token, json, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        // The gateway refuses a token before forwarding anything, so sending again is safe, a POST included.
        response.Dispose();
        token = await tokens.SignInAgainAsync(userId, token, cancellationToken);
        return await SendWithTokenAsync(method, path, token, json, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(
        HttpMethod method, string path, string token, string? json, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request, cancellationToken);
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        }
    }
}
