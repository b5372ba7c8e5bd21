using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Gozon.Tests.Identity;

/// <summary>The gateway's sign-in API as a client without the harness's automatic sign-in sees it.</summary>
public sealed class IdentityClient(HttpClient gateway)
{
    public const string Password = "Shopper-passw0rd";

    public Task<HttpResponseMessage> RegisterAsync(string userName, string password = Password) =>
        gateway.PostAsJsonAsync("/api/identity/register", new { userName, password });

    public Task<HttpResponseMessage> LoginAsync(string userName, string password = Password) =>
        gateway.PostAsJsonAsync("/api/identity/login", new { userName, password });

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        gateway.PostAsJsonAsync("/api/identity/refresh", new { refreshToken });

    public async Task<Gozon.Testing.ShopperTokens> SignUpAsync(string userName)
    {
        using var registered = await RegisterAsync(userName);
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        using var login = await LoginAsync(userName);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        return (await login.Content.ReadFromJsonAsync<Gozon.Testing.ShopperTokens>())!;
    }

    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? accessToken, string? jsonBody = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (accessToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        }

        if (jsonBody is not null)
        {
            request.Content = new StringContent(jsonBody, System.Text.Encoding.UTF8, "application/json");
        }

        return gateway.SendAsync(request);
    }

    /// <summary>The problem document of a response, after checking its status and media type.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
