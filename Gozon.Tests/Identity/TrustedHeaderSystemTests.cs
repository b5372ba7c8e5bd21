using System.Net;
using Gozon.Testing;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.Identity;

/// <summary>
/// A system of its own with the compatibility switch on (<c>Gozon:Identity:TrustUserIdHeader=true</c>) and a per-address
/// limit of 3 sign-in attempts a minute: the shared system's limit is lifted, since all of the harness signs in from 127.0.0.1.
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
        var tokens = await new IdentityClient(gateway).SignUpAsync(signedIn);
        using var asSignedIn = await api.SendAsync(HttpMethod.Post, "/api/payments/accounts", null,
            headers: new() { ["Authorization"] = $"Bearer {tokens.AccessToken}", [GozonApi.UserHeader] = old });
        using var badHeader = await api.SendAsync(HttpMethod.Get, "/api/orders", "not a user!");

        Assert.Equal(25m, (await api.GetBalanceAsync(old)).Balance);
        Assert.Equal(signedIn, (await GozonApi.ReadAsync<AccountDto>(asSignedIn, HttpStatusCode.Created)).UserId);
        Assert.Contains(GozonApi.UserHeader, (await IdentityClient.ProblemAsync(badHeader, HttpStatusCode.Unauthorized)).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task The_fourth_sign_in_attempt_from_one_address_in_a_minute_is_429_with_Retry_After()
    {
        // A client address of its own (all of 127.0.0.0/8 is this machine), so the other test's sign-up spends nothing of it.
        using var gateway = LoopbackClient(IPAddress.Parse("127.0.0.9"));
        var identity = new IdentityClient(gateway);

        var statuses = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < TrustedHeaderSystem.PerAddressLimit; attempt++)
        {
            using var response = await identity.LoginAsync($"nobody-{attempt}-{Guid.NewGuid():N}");
            statuses.Add(response.StatusCode);
        }

        using var refused = await identity.RegisterAsync($"late-{Guid.NewGuid():N}");

        Assert.All(statuses, status => Assert.Equal(HttpStatusCode.Unauthorized, status));
        await IdentityClient.ProblemAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.True(int.Parse(refused.Headers.GetValues("Retry-After").Single()) is > 0 and <= 60);
    }

    private HttpClient LoopbackClient(IPAddress local) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
            try
            {
                socket.Bind(new IPEndPoint(local, 0));
                await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, context.DnsEndPoint.Port), cancellationToken);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    })
    {
        BaseAddress = system.App.GetEndpoint("gateway"),
    };
}
