using System.Net;
using System.Net.Http.Json;
using System.Text;
using Gozon.Gateway.Identity;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gozon.Tests.Identity;

/// <summary>Issue 16: accounts with passwords at the gateway, and nobody can act as another user.</summary>
[Collection(GozonSystemCollection.Name)]
public sealed class SignInTests(GozonAppFixture system) : IDisposable
{
    private static readonly (HttpMethod Method, string Path, string? Body)[] Operations =
    [
        (HttpMethod.Post, "/api/payments/accounts", null),
        (HttpMethod.Post, "/api/payments/accounts/topup", """{"amount":5}"""),
        (HttpMethod.Get, "/api/payments/accounts/balance", null),
        (HttpMethod.Post, "/api/orders", """{"amount":5,"description":"x"}"""),
        (HttpMethod.Get, "/api/orders", null),
        (HttpMethod.Get, $"/api/orders/{Guid.NewGuid()}", null),
        (HttpMethod.Post, "/hubs/orders/negotiate?negotiateVersion=1", null),
    ];

    private readonly HttpClient _gateway = system.App.CreateHttpClient("gateway");
    private IdentityClient Identity => new(_gateway);

    [Fact]
    public async Task A_token_for_one_shopper_with_a_header_naming_another_reaches_only_the_token_holders_data()
    {
        var api = new GozonApi(system.Gateway);
        var (alice, bob) = (system.NewUserId(), system.NewUserId());
        await api.OpenAccountWithAsync(alice, 10);
        await api.OpenAccountWithAsync(bob, 500);
        var bobsOrder = await api.PlaceOrderAsync(bob, 1);
        var token = await system.App.Shoppers.AccessTokenAsync(alice);
        var forged = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}", [GozonApi.UserHeader] = bob };

        using var balance = await api.SendAsync(HttpMethod.Get, "/api/payments/accounts/balance", null, headers: forged);
        using var list = await api.SendAsync(HttpMethod.Get, "/api/orders", null, headers: forged);
        using var order = await api.SendAsync(HttpMethod.Get, $"/api/orders/{bobsOrder.Id}", null, headers: forged);
        using var placed = await api.SendAsync(HttpMethod.Post, "/api/orders", null, """{"amount":2,"description":"on whose account?"}""", headers: forged);

        Assert.Equal(new AccountDto(alice, 10), await GozonApi.ReadAsync<AccountDto>(balance, HttpStatusCode.OK));
        Assert.Empty(await GozonApi.ReadAsync<List<OrderDto>>(list, HttpStatusCode.OK));
        Assert.Equal(HttpStatusCode.NotFound, order.StatusCode);
        Assert.Equal(alice, (await GozonApi.ReadAsync<OrderDto>(placed, HttpStatusCode.Accepted)).UserId);
        Assert.Equal([bobsOrder.Id], (await api.ListOrdersAsync(bob)).Select(o => o.Id));
    }

    [Fact]
    public async Task Without_a_token_every_operation_and_the_hub_are_401_even_with_a_user_header()
    {
        var victim = system.NewUserId();
        await new GozonApi(system.Gateway).OpenAccountWithAsync(victim, 20);

        foreach (var (method, path, body) in Operations)
        {
            foreach (var header in new[] { null, victim })
            {
                using var request = new HttpRequestMessage(method, path);
                if (header is not null)
                {
                    request.Headers.Add(GozonApi.UserHeader, header);
                }

                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8, "application/json");
                }

                using var response = await _gateway.SendAsync(request);
                var problem = await IdentityClient.ProblemAsync(response, HttpStatusCode.Unauthorized);
                Assert.Contains("/api/identity/login", problem.GetProperty("detail").GetString());
            }
        }

        Assert.Equal(20m, (await new GozonApi(system.Gateway).GetBalanceAsync(victim)).Balance);
    }

    [Fact]
    public async Task An_expired_token_is_refused_and_a_refreshed_one_works()
    {
        var user = system.NewUserId();
        var tokens = await Identity.SignUpAsync(user);
        var expired = SignedToken(user, system.App.SigningKey, expires: DateTime.UtcNow.AddMinutes(-5));
        var forged = SignedToken(user, new string('k', 64), expires: DateTime.UtcNow.AddMinutes(5));

        using var refusedExpired = await Identity.SendAsync(HttpMethod.Get, "/api/orders", expired);
        using var refusedForged = await Identity.SendAsync(HttpMethod.Get, "/api/orders", forged);
        using var refreshed = await Identity.RefreshAsync(tokens.RefreshToken);
        var renewed = await GozonApi.ReadAsync<Gozon.Testing.ShopperTokens>(refreshed, HttpStatusCode.OK);
        using var accepted = await Identity.SendAsync(HttpMethod.Get, "/api/orders", renewed.AccessToken);
        using var badRefresh = await Identity.RefreshAsync(tokens.AccessToken);

        Assert.Contains("expired", (await IdentityClient.ProblemAsync(refusedExpired, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        Assert.Contains("not valid", (await IdentityClient.ProblemAsync(refusedForged, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
        Assert.Equal("Bearer", renewed.TokenType);
        Assert.True(renewed.ExpiresIn > 0);
        Assert.NotEqual(tokens.AccessToken, renewed.AccessToken);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // An access token is no refresh token: they are for different audiences.
        await IdentityClient.ProblemAsync(badRefresh, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Registration_states_its_rules_and_refuses_a_taken_name_whatever_its_case()
    {
        var user = system.NewUserId();

        using var created = await Identity.RegisterAsync(user);
        using var taken = await Identity.RegisterAsync(user.ToUpperInvariant());
        using var badName = await Identity.RegisterAsync("has space");
        using var weak = await Identity.RegisterAsync(system.NewUserId(), "short");

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(user, (await created.Content.ReadFromJsonAsync<RegisteredUser>())!.UserName);
        Assert.Contains("taken", (await IdentityClient.ProblemAsync(taken, HttpStatusCode.Conflict)).GetProperty("detail").GetString());
        Assert.True((await IdentityClient.ProblemAsync(badName, HttpStatusCode.BadRequest)).GetProperty("errors").TryGetProperty("userName", out _));
        var policy = await IdentityClient.ProblemAsync(weak, HttpStatusCode.BadRequest);
        Assert.Contains("at least 8 characters", policy.GetProperty("detail").GetString());
        Assert.True(policy.GetProperty("errors").TryGetProperty("password", out _));
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_answer()
    {
        var user = system.NewUserId();
        await Identity.SignUpAsync(user);

        using var wrong = await Identity.LoginAsync(user, "Wrong-passw0rd");
        using var unknown = await Identity.LoginAsync(system.NewUserId());

        var (wrongProblem, unknownProblem) = (
            await IdentityClient.ProblemAsync(wrong, HttpStatusCode.Unauthorized),
            await IdentityClient.ProblemAsync(unknown, HttpStatusCode.Unauthorized));
        Assert.Equal(wrongProblem.GetProperty("detail").GetString(), unknownProblem.GetProperty("detail").GetString());
        Assert.Equal(wrongProblem.GetProperty("title").GetString(), unknownProblem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Five_wrong_passwords_lock_the_account_even_against_the_right_one()
    {
        var user = system.NewUserId();
        await Identity.SignUpAsync(user);

        var titles = new List<string?>();
        for (var attempt = 0; attempt < 5; attempt++)
        {
            using var wrong = await Identity.LoginAsync(user, "Wrong-passw0rd");
            titles.Add((await IdentityClient.ProblemAsync(wrong, HttpStatusCode.Unauthorized)).GetProperty("title").GetString());
        }

        using var right = await Identity.LoginAsync(user);

        Assert.Equal(["Sign-in failed", "Sign-in failed", "Sign-in failed", "Sign-in failed"], titles.Take(4));
        var locked = await IdentityClient.ProblemAsync(right, HttpStatusCode.Unauthorized);
        Assert.Equal("Locked out", locked.GetProperty("title").GetString());
        Assert.Contains("locked until", locked.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_eleventh_login_of_one_user_name_in_a_minute_is_429_with_Retry_After()
    {
        var user = system.NewUserId();
        using var registered = await Identity.RegisterAsync(user);

        // Registration and the logins share the name's budget of 10 per minute.
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        for (var attempt = 0; attempt < 10 && refused is null; attempt++)
        {
            var response = await Identity.LoginAsync(user);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                refused = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.OK, 9), HttpStatusCode.TooManyRequests], statuses);
        using (refused)
        {
            await IdentityClient.ProblemAsync(refused!, HttpStatusCode.TooManyRequests);
            Assert.True(int.Parse(refused!.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
        }
    }

    [Fact]
    public async Task A_call_that_reaches_a_service_without_the_gateways_key_is_refused()
    {
        var user = system.NewUserId();
        await new GozonApi(system.Gateway).OpenAccountWithAsync(user, 30);
        using var direct = new HttpClient { BaseAddress = system.App.Replicas("payments")[0].HttpEndpoint };
        using var trusted = system.App.CreateTrustedServiceClient(system.App.Replicas("payments")[0].HttpEndpoint);
        using var orders = new HttpClient { BaseAddress = system.App.Replicas("orders")[0].HttpEndpoint };

        foreach (var key in new[] { null, "not-the-gateway-key-at-all" })
        {
            foreach (var (client, path) in new[] { (direct, "/api/payments/accounts/balance"), (orders, "/api/orders") })
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Add(GozonApi.UserHeader, user);
                if (key is not null)
                {
                    request.Headers.Add(Gozon.Testing.GozonApp.GatewayKeyHeader, key);
                }

                using var response = await client.SendAsync(request);
                Assert.Contains("gateway", (await IdentityClient.ProblemAsync(response, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
            }
        }

        using var withKey = new HttpRequestMessage(HttpMethod.Get, "/api/payments/accounts/balance");
        withKey.Headers.Add(GozonApi.UserHeader, user);
        using var answered = await trusted.SendAsync(withKey);
        Assert.Equal(30m, (await GozonApi.ReadAsync<AccountDto>(answered, HttpStatusCode.OK)).Balance);
    }

    public void Dispose() => _gateway.Dispose();

    private static string SignedToken(string user, string key, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = ShopperTokens.Issuer,
        Audience = ShopperTokens.AccessAudience,
        IssuedAt = expires.AddMinutes(-15),
        NotBefore = expires.AddMinutes(-15),
        Expires = expires,
        Claims = new Dictionary<string, object> { [ShopperTokens.UserNameClaim] = user },
        SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
    });
}
