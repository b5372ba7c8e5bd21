using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Gozon.Tests.Support;

namespace Gozon.Tests.Browser;

/// <summary>
/// The gateway's API as one signed-in shopper (a bearer token from <c>/api/identity/login</c>): what the browser
/// tests check beside the screen, and the set-up they do without a browser.
/// </summary>
public sealed class ShopperApi
{
    private readonly GozonApi _api;
    private readonly Dictionary<string, string> _bearer;

    private ShopperApi(HttpClient gateway, string accessToken) =>
        (_api, _bearer) = (new GozonApi(gateway), new() { ["Authorization"] = $"Bearer {accessToken}" });

    public static async Task RegisterAsync(HttpClient gateway, string userName, string password)
    {
        using var response = await gateway.PostAsJsonAsync("/api/identity/register", new { userName, password });
        await GozonApi.ReadAsync<RegisteredDto>(response, HttpStatusCode.Created);
    }

    public static async Task<ShopperApi> SignInAsync(HttpClient gateway, string userName, string password)
    {
        using var response = await gateway.PostAsJsonAsync("/api/identity/login", new { userName, password });
        var tokens = await GozonApi.ReadAsync<TokensDto>(response, HttpStatusCode.OK);
        return new ShopperApi(gateway, tokens.AccessToken);
    }

    public async Task<AccountDto> CreateAccountAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/payments/accounts");
        return await GozonApi.ReadAsync<AccountDto>(response, HttpStatusCode.Created);
    }

    public async Task<AccountDto> OpenAccountWithAsync(decimal balance)
    {
        await CreateAccountAsync();
        using var response = await SendAsync(HttpMethod.Post, "/api/payments/accounts/topup",
            $$"""{"amount":{{balance.ToString(CultureInfo.InvariantCulture)}}}""", Guid.NewGuid().ToString());
        return await GozonApi.ReadAsync<AccountDto>(response, HttpStatusCode.OK);
    }

    public async Task<AccountDto> GetBalanceAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/payments/accounts/balance");
        return await GozonApi.ReadAsync<AccountDto>(response, HttpStatusCode.OK);
    }

    public async Task<HttpStatusCode> GetBalanceStatusAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/payments/accounts/balance");
        return response.StatusCode;
    }

    public async Task<OrderDto> PlaceOrderAsync(decimal amount, string description)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/orders",
            $$"""{"amount":{{amount.ToString(CultureInfo.InvariantCulture)}},"description":"{{description}}"}""", Guid.NewGuid().ToString());
        return await GozonApi.ReadAsync<OrderDto>(response, HttpStatusCode.Accepted);
    }

    public async Task<OrderDto> GetOrderAsync(Guid orderId)
    {
        using var response = await SendAsync(HttpMethod.Get, $"/api/orders/{orderId}");
        return await GozonApi.ReadAsync<OrderDto>(response, HttpStatusCode.OK);
    }

    public async Task<List<OrderDto>> ListOrdersAsync()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/orders?limit=1000");
        return await GozonApi.ReadAsync<List<OrderDto>>(response, HttpStatusCode.OK);
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? jsonBody = null, string? idempotencyKey = null) =>
        _api.SendAsync(method, path, userId: null, jsonBody, idempotencyKey, _bearer);

    private sealed record RegisteredDto(string UserName);

    private sealed record TokensDto(string TokenType, string AccessToken, int ExpiresIn, string RefreshToken);
}
