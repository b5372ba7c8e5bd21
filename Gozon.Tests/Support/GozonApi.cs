using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Gozon.Tests.Support;

public sealed record AccountDto(string UserId, decimal Balance);

public sealed record OrderDto(
    Guid Id, string UserId, decimal Amount, string Description, string Status, string? FailureReason,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public bool IsFinal => Status is "Finished" or "Cancelled";
}

/// <summary>The public API as a client sees it through the gateway.</summary>
public sealed class GozonApi(HttpClient gateway)
{
    public const string UserHeader = "X-User-Id";

    public HttpClient Http => gateway;

    public async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string? userId, string? jsonBody = null, string? idempotencyKey = null,
        Dictionary<string, string>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (userId is not null)
        {
            request.Headers.TryAddWithoutValidation(UserHeader, userId);
        }

        if (idempotencyKey is not null)
        {
            request.Headers.TryAddWithoutValidation("Idempotency-Key", idempotencyKey);
        }

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, Encoding.UTF8, "application/json");
        }

        return await gateway.SendAsync(request);
    }

    public async Task<AccountDto> CreateAccountAsync(string userId)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/payments/accounts", userId);
        return await ReadAsync<AccountDto>(response, HttpStatusCode.Created);
    }

    public async Task<AccountDto> TopUpAsync(string userId, decimal amount, string? idempotencyKey = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/payments/accounts/topup", userId,
            $$"""{"amount":{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""", idempotencyKey);
        return await ReadAsync<AccountDto>(response, HttpStatusCode.OK);
    }

    public async Task<AccountDto> GetBalanceAsync(string userId)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/payments/accounts/balance", userId);
        return await ReadAsync<AccountDto>(response, HttpStatusCode.OK);
    }

    public async Task<AccountDto> OpenAccountWithAsync(string userId, decimal balance)
    {
        await CreateAccountAsync(userId);
        return await TopUpAsync(userId, balance);
    }

    public async Task<OrderDto> PlaceOrderAsync(string userId, decimal amount, string description = "a book", string? idempotencyKey = null)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/orders", userId,
            $$"""{"amount":{{amount.ToString(System.Globalization.CultureInfo.InvariantCulture)}},"description":"{{description}}"}""",
            idempotencyKey);
        var order = await ReadAsync<OrderDto>(response, HttpStatusCode.Accepted);
        Assert.Equal($"/api/orders/{order.Id}", response.Headers.Location?.OriginalString);
        return order;
    }

    public async Task<HttpResponseMessage> GetOrderResponseAsync(string userId, Guid orderId) =>
        await SendAsync(HttpMethod.Get, $"/api/orders/{orderId}", userId);

    public async Task<OrderDto> GetOrderAsync(string userId, Guid orderId)
    {
        using var response = await GetOrderResponseAsync(userId, orderId);
        return await ReadAsync<OrderDto>(response, HttpStatusCode.OK);
    }

    public async Task<List<OrderDto>> ListOrdersAsync(string userId)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/orders?limit=1000", userId);
        return await ReadAsync<List<OrderDto>>(response, HttpStatusCode.OK);
    }

    public Task<OrderDto> WaitForFinalStatusAsync(string userId, Guid orderId, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => GetOrderAsync(userId, orderId), o => o.IsFinal, $"order {orderId} to be paid or cancelled", timeout);

    public Task<List<OrderDto>> WaitForAllFinalAsync(string userId, int expectedCount, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(() => ListOrdersAsync(userId), orders => orders.Count == expectedCount && orders.All(o => o.IsFinal),
            $"{expectedCount} orders of {userId} to be final", timeout ?? TimeSpan.FromSeconds(60));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, HttpStatusCode expected)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Fail($"Expected {(int)expected} {expected} but got {(int)response.StatusCode}: {body}");
        }

        return (await response.Content.ReadFromJsonAsync<T>())!;
    }
}
