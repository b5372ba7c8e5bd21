using System.Net;
using Gozon.Testing;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.Identity;

/// <summary>
/// A system of its own with the compatibility switch on (<c>Gozon:Identity:TrustUserIdHeader=true</c>) and a per-address
/// limit of 3 sign-in attempts a minute: the shared system's limit is lifted, since all of the harness signs in from one
/// address (DCP's endpoint proxy).
/// </summary>
public sealed class TrustedHeaderSystem : IAsyncLifetime
{
    public const int PerAddressLimit = 3;
    private GozonApp? _app;

    public GozonApp App => _app ?? throw new InvalidOperationException("The system is not started.");

    public async Task InitializeAsync() => _app = await GozonApp.StartAsync(new GozonAppOptions
    {
        Configuration = new Dictionary<string, string> { ["Gozon:Identity:TrustUserIdHeader"] = "true" },
        Environment = [("gateway", "Gozon__Identity__RateLimits__PerAddress__PermitLimit", PerAddressLimit.ToString())],
        LogPath = Path.Combine(GozonAppFixture.TestResultsDirectory, "trusted-header-system.log"),
    });

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }
}

public sealed class TrustedHeaderSystemTests(TrustedHeaderSystem system) : IClassFixture<TrustedHeaderSystem>
{
    [Fact]
    public async Task With_the_switch_on_a_user_header_stands_in_for_a_token_and_a_token_still_wins()
    {
        using var gateway = system.App.CreateHttpClient("gateway");
        var api = new GozonApi(gateway);
        var (old, signedIn) = ($"old-client-{Guid.NewGuid():N}", $"shopper-{Guid.NewGuid():N}");

        await api.OpenAccountWithAsync(old, 25);
        // A token the gateway would issue, made here: the sign-in endpoints' budget of 3 belongs to the other test.
        var token = AccessTokens.Sign(signedIn, system.App.SigningKey, DateTime.UtcNow.AddMinutes(5));
        using var asSignedIn = await api.SendAsync(HttpMethod.Post, "/api/payments/accounts", null,
            headers: new() { ["Authorization"] = $"Bearer {token}", [GozonApi.UserHeader] = old });
        using var badHeader = await api.SendAsync(HttpMethod.Get, "/api/orders", "not a user!");

        Assert.Equal(25m, (await api.GetBalanceAsync(old)).Balance);
        Assert.Equal(signedIn, (await GozonApi.ReadAsync<AccountDto>(asSignedIn, HttpStatusCode.Created)).UserId);
        Assert.Contains(GozonApi.UserHeader, (await IdentityClient.ProblemAsync(badHeader, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_fourth_sign_in_attempt_from_one_shopper_address_in_a_minute_is_429_with_Retry_After()
    {
        // As Gozon.Web signs a shopper in: the shopper's address, vouched for with its key (a fresh one: a budget of its own).
        using var gateway = system.App.CreateHttpClient("gateway");
        var shopper = FreshAddress();

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < TrustedHeaderSystem.PerAddressLimit; attempt++)
        {
            using var response = await LoginFromAsync(gateway, shopper, system.App.FrontEndKey);
            statuses.Add(response.StatusCode);
        }

        using var refused = await LoginFromAsync(gateway, shopper, system.App.FrontEndKey);

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        await IdentityClient.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
    }

    [Fact]
    public async Task A_forwarded_address_without_Gozon_Webs_key_buys_no_fresh_budget()
    {
        using var gateway = system.App.CreateHttpClient("gateway");

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt <= TrustedHeaderSystem.PerAddressLimit; attempt++)
        {
            using var response = await LoginFromAsync(gateway, FreshAddress(), "not-the-front-end-key");
            statuses.Add(response.StatusCode);
        }

        // Four "different" addresses, all counted against the one the requests really came from (DCP's proxy here).
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
    }

    private static string FreshAddress() => $"10.{Random.Shared.Next(256)}.{Random.Shared.Next(256)}.{Random.Shared.Next(1, 255)}";

    private static Task<HttpResponseMessage> LoginFromAsync(HttpClient gateway, string address, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/identity/login")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { userName = $"nobody-{Guid.NewGuid():N}", password = IdentityClient.Password }),
        };
        request.Headers.Add("X-Forwarded-For", address);
        request.Headers.Add("X-Gozon-Front-End-Key", key);
        return gateway.SendAsync(request);
    }
}
