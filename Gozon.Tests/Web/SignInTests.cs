using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gozon.Web.Gateway;
using Gozon.Web.Identity;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Gozon.Tests.Web;

/// <summary>
/// Gozon.Web's sign-in over plain HTTP, in memory, against a scripted gateway: the cookie it sets, where it
/// redirects, what a wrong password shows, and that a cookie is worthless once its shopper signed out.
/// </summary>
public sealed partial class SignInTests(SignInTests.WebWithScriptedGateway web) : IClassFixture<SignInTests.WebWithScriptedGateway>
{
    private const string Password = "Right-pass-1";

    [Fact]
    public async Task The_shop_sends_a_stranger_to_sign_in_with_the_way_back()
    {
        using var client = NewClient();

        using var shop = await client.GetAsync("/");
        using var order = await client.GetAsync("/orders/6d1c5e9e-4f0e-4a43-9a51-2a4f4b4fd7a1");

        Assert.Equal(HttpStatusCode.Redirect, shop.StatusCode);
        Assert.Equal("/account/sign-in?returnUrl=%2F", shop.Headers.Location!.PathAndQuery);
        Assert.Equal("/account/sign-in?returnUrl=%2Forders%2F6d1c5e9e-4f0e-4a43-9a51-2a4f4b4fd7a1", order.Headers.Location!.PathAndQuery);
    }

    [Fact]
    public async Task Signing_in_sets_an_http_only_lax_cookie_that_holds_no_token_and_returns_to_the_local_page()
    {
        using var client = NewClient();
        var jar = new Dictionary<string, string>();

        using var response = await SignInAsync(client, jar, "alice", Password, "/orders/6d1c5e9e-4f0e-4a43-9a51-2a4f4b4fd7a1");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/orders/6d1c5e9e-4f0e-4a43-9a51-2a4f4b4fd7a1"), Landing(client, response));
        var cookie = Assert.Single(SetCookies(response), c => c.Name == "gozon.shopper");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        // Encrypted, and small: a session id and a name, not a token pair (the scripted tokens alone are longer).
        Assert.True(cookie.Value.Length < ScriptedGateway.TokenLength * 2, $"the cookie is {cookie.Value.Length} characters");
        using var shop = await SendAsync(client, jar, HttpMethod.Get, "/");
        Assert.Equal(HttpStatusCode.OK, shop.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/")]
    public async Task Signing_in_never_returns_to_another_site(string returnUrl)
    {
        using var client = NewClient();

        using var response = await SignInAsync(client, [], "alice", Password, returnUrl);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, "/"), Landing(client, response));
    }

    [Fact]
    public async Task A_wrong_password_shows_the_gateways_words_on_the_form_and_sets_no_cookie()
    {
        using var client = NewClient();

        using var response = await SignInAsync(client, [], "alice", "Wrong-pass-1", returnUrl: null);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Matches(@"<div id=""form-error"" class=""alert alert-error"" role=""alert"">The user name or password is wrong.</div>", html);
        Assert.DoesNotContain(SetCookies(response), c => c.Name == "gozon.shopper");
        Assert.DoesNotContain("Wrong-pass-1", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_signing_out_the_same_cookie_signs_nobody_in()
    {
        using var client = NewClient();
        var jar = new Dictionary<string, string>();
        using var signedIn = await SignInAsync(client, jar, "alice", Password, returnUrl: null);
        var stolen = jar["gozon.shopper"];

        // No antiforgery token: refused, still signed in.
        using var forged = await SendAsync(client, jar, HttpMethod.Post, AccountPaths.SignOut, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var stillIn = await SendAsync(client, jar, HttpMethod.Get, "/"))
        {
            Assert.Equal(HttpStatusCode.OK, stillIn.StatusCode);
        }

        var token = await AntiforgeryTokenAsync(client, jar, AccountPaths.SignIn);
        using var signedOut = await SendAsync(client, jar, HttpMethod.Post, AccountPaths.SignOut,
            new FormUrlEncodedContent([new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(new Uri(client.BaseAddress!, AccountPaths.SignIn), Landing(client, signedOut));

        using var replayed = await SendAsync(client, new() { ["gozon.shopper"] = stolen }, HttpMethod.Get, "/");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.StartsWith(AccountPaths.SignIn, replayed.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    /// <summary>Where a redirect leads, absolute: it must be this site, whichever form the Location takes.</summary>
    private static Uri Landing(HttpClient client, HttpResponseMessage response) => new(client.BaseAddress!, response.Headers.Location!);

    private HttpClient NewClient() => web.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

    private static async Task<HttpResponseMessage> SignInAsync(
        HttpClient client, Dictionary<string, string> jar, string userName, string password, string? returnUrl)
    {
        var page = returnUrl is null ? AccountPaths.SignIn : $"{AccountPaths.SignIn}?returnUrl={Uri.EscapeDataString(returnUrl)}";
        var token = await AntiforgeryTokenAsync(client, jar, page);
        return await SendAsync(client, jar, HttpMethod.Post, page, new FormUrlEncodedContent(
        [
            new("_handler", "sign-in"),
            new("__RequestVerificationToken", token),
            new("Input.UserName", userName),
            new("Input.Password", password),
        ]));
    }

    private static async Task<string> AntiforgeryTokenAsync(HttpClient client, Dictionary<string, string> jar, string page)
    {
        using var response = await SendAsync(client, jar, HttpMethod.Get, page);
        var match = AntiforgeryField().Match(await response.Content.ReadAsStringAsync());
        Assert.True(match.Success, $"no antiforgery token on {page}");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    /// <summary>A request with the jar's cookies; the cookies the response sets (or deletes) go back into the jar.</summary>
    private static async Task<HttpResponseMessage> SendAsync(
        HttpClient client, Dictionary<string, string> jar, HttpMethod method, string path, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", jar.Select(c => $"{c.Key}={c.Value}")));
        }

        var response = await client.SendAsync(request);
        foreach (var cookie in SetCookies(response))
        {
            if (cookie.Expires is { } expires && expires < DateTimeOffset.UtcNow)
            {
                jar.Remove(cookie.Name.Value!);
            }
            else
            {
                jar[cookie.Name.Value!] = cookie.Value.Value!;
            }
        }

        return response;
    }

    private static IList<SetCookieHeaderValue> SetCookies(HttpResponseMessage response) =>
        response.Headers.TryGetValues(HeaderNames.SetCookie, out var values) ? SetCookieHeaderValue.ParseList(values.ToList()) : [];

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();

    public sealed class WebWithScriptedGateway : WebApplicationFactory<GatewayClient>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
            .UseEnvironment("Production")
            .UseSetting("services:gateway:http:0", "http://gateway.test")
            .ConfigureServices(services => services.AddHttpClient(IdentityClient.HttpClientName)
                .ConfigurePrimaryHttpMessageHandler(() => new ScriptedGateway()));
    }

    /// <summary>The gateway's login: alice with the right password gets tokens, anything else the gateway's 401.</summary>
    private sealed class ScriptedGateway : HttpMessageHandler
    {
        public const int TokenLength = 600;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/api/identity/login", request.RequestUri!.AbsolutePath);
            using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            var signedIn = body.RootElement.GetProperty("userName").GetString() == "alice"
                           && body.RootElement.GetProperty("password").GetString() == Password;
            return signedIn
                ? Json(HttpStatusCode.OK, "application/json",
                    new { tokenType = "Bearer", accessToken = new string('a', TokenLength), expiresIn = 900, refreshToken = new string('r', TokenLength) })
                : Json(HttpStatusCode.Unauthorized, "application/problem+json",
                    new { title = "Sign-in failed", status = 401, detail = "The user name or password is wrong." });
        }

        private static HttpResponseMessage Json(HttpStatusCode status, string mediaType, object body) => new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, mediaType),
        };
    }
}
