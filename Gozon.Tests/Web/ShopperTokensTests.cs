using System.Net;
using System.Text;
using System.Text.Json;
using Gozon.Web.Identity;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Gozon.Tests.Web;

/// <summary>
/// Gozon.Web's server-side token store against a scripted gateway: when it refreshes, that one session's callers
/// spend its refresh token once, and what a refused or failed refresh does to the session.
/// </summary>
public sealed class ShopperTokensTests
{
    private const int Lifetime = 100; // seconds: refreshed after 80
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedGateway _gateway = new();
    private readonly ShopperTokens _tokens;

    public ShopperTokensTests()
    {
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var identity = new IdentityClient(_gateway, new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(), NullLogger<IdentityClient>.Instance);
        _tokens = new ShopperTokens(cache, identity, _clock, NullLogger<ShopperTokens>.Instance);
    }

    [Fact]
    public async Task The_access_token_is_refreshed_once_four_fifths_of_its_life_are_gone_and_not_before()
    {
        var session = await _tokens.StartAsync("alice", Issued("access-1", "refresh-1"), CancellationToken.None);
        _gateway.Answer = _ => Json(HttpStatusCode.OK, Issued("access-2", "refresh-2"));

        _clock.Advance(TimeSpan.FromSeconds(79));
        Assert.Equal("access-1", (await _tokens.GetAccessTokenAsync(session, CancellationToken.None)).Value);
        Assert.Empty(_gateway.Refreshes);

        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("access-2", (await _tokens.GetAccessTokenAsync(session, CancellationToken.None)).Value);
        Assert.Equal(["refresh-1"], _gateway.Refreshes);

        // The new token has a life of its own.
        _clock.Advance(TimeSpan.FromSeconds(79));
        Assert.Equal("access-2", (await _tokens.GetAccessTokenAsync(session, CancellationToken.None)).Value);
        Assert.Single(_gateway.Refreshes);
    }

    [Fact]
    public async Task Callers_of_one_session_that_need_a_refresh_at_once_spend_its_refresh_token_once()
    {
        var session = await _tokens.StartAsync("alice", Issued("access-1", "refresh-1"), CancellationToken.None);
        var release = new TaskCompletionSource();
        _gateway.AnswerAsync = async _ =>
        {
            await release.Task; // every caller is waiting by now
            return Json(HttpStatusCode.OK, Issued("access-2", "refresh-2"));
        };
        _clock.Advance(TimeSpan.FromSeconds(90));

        var callers = Enumerable.Range(0, 8).Select(_ => _tokens.GetAccessTokenAsync(session, CancellationToken.None)).ToList();
        release.SetResult();
        var tokens = await Task.WhenAll(callers);

        Assert.All(tokens, token => Assert.Equal("access-2", token.Value));
        Assert.Equal(["refresh-1"], _gateway.Refreshes);
    }

    [Fact]
    public async Task A_refresh_the_gateway_refuses_ends_the_session()
    {
        var session = await _tokens.StartAsync("alice", Issued("access-1", "refresh-1"), CancellationToken.None);
        _gateway.Answer = _ => Problem(HttpStatusCode.Unauthorized, "Refresh failed");
        _clock.Advance(TimeSpan.FromSeconds(90));

        var token = await _tokens.GetAccessTokenAsync(session, CancellationToken.None);

        Assert.Null(token.Value);
        Assert.True(token.Problem?.IsSignedOut);
        Assert.False(await _tokens.IsActiveAsync(session, CancellationToken.None));
        Assert.True((await _tokens.GetAccessTokenAsync(session, CancellationToken.None)).Problem?.IsSignedOut);
        Assert.Single(_gateway.Refreshes);
    }

    [Fact]
    public async Task While_the_gateway_is_away_the_token_in_hand_serves_until_it_expires_and_the_session_stays()
    {
        var session = await _tokens.StartAsync("alice", Issued("access-1", "refresh-1"), CancellationToken.None);
        _gateway.Answer = _ => throw new HttpRequestException("connection refused");

        _clock.Advance(TimeSpan.FromSeconds(90));
        Assert.Equal("access-1", (await _tokens.GetAccessTokenAsync(session, CancellationToken.None)).Value);

        _clock.Advance(TimeSpan.FromSeconds(11));
        var expired = await _tokens.GetAccessTokenAsync(session, CancellationToken.None);
        Assert.Null(expired.Value);
        Assert.Equal((int)HttpStatusCode.ServiceUnavailable, expired.Problem?.Status);
        Assert.True(await _tokens.IsActiveAsync(session, CancellationToken.None));

        _gateway.Answer = _ => Json(HttpStatusCode.OK, Issued("access-2", "refresh-2"));
        Assert.Equal("access-2", (await _tokens.GetAccessTokenAsync(session, CancellationToken.None)).Value);
        Assert.Equal(["refresh-1", "refresh-1", "refresh-1"], _gateway.Refreshes);
    }

    [Fact]
    public async Task Sessions_are_apart_and_signing_out_ends_only_ones_own()
    {
        var alice = await _tokens.StartAsync("alice", Issued("access-a", "refresh-a"), CancellationToken.None);
        var bob = await _tokens.StartAsync("bob", Issued("access-b", "refresh-b"), CancellationToken.None);
        Assert.NotEqual(alice, bob);

        await _tokens.EndAsync(alice, CancellationToken.None);

        Assert.True((await _tokens.GetAccessTokenAsync(alice, CancellationToken.None)).Problem?.IsSignedOut);
        Assert.Equal("access-b", (await _tokens.GetAccessTokenAsync(bob, CancellationToken.None)).Value);
    }

    private static TokenResponse Issued(string access, string refresh) => new("Bearer", access, Lifetime, refresh);

    private static HttpResponseMessage Json(HttpStatusCode status, object body) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(body, JsonSerializerOptions.Web), Encoding.UTF8, "application/json"),
    };

    private static HttpResponseMessage Problem(HttpStatusCode status, string title) => new(status)
    {
        Content = new StringContent(JsonSerializer.Serialize(new { title, status = (int)status }), Encoding.UTF8, "application/problem+json"),
    };

    /// <summary>The gateway's <c>/api/identity/refresh</c>, answering what the test says and noting each refresh token it is shown.</summary>
    private sealed class ScriptedGateway : DelegatingHandler, IHttpClientFactory
    {
        private readonly Lock _gate = new();
        private readonly List<string> _refreshes = [];

        public Func<HttpRequestMessage, HttpResponseMessage> Answer { get; set; } = _ => new HttpResponseMessage(HttpStatusCode.NotFound);

        public Func<HttpRequestMessage, Task<HttpResponseMessage>>? AnswerAsync { get; set; }

        public IReadOnlyList<string> Refreshes
        {
            get
            {
                lock (_gate)
                {
                    return [.. _refreshes];
                }
            }
        }

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { BaseAddress = new Uri("http://gateway") };

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Assert.Equal("/api/identity/refresh", request.RequestUri!.AbsolutePath);
            using var body = JsonDocument.Parse(await request.Content!.ReadAsStringAsync(cancellationToken));
            lock (_gate)
            {
                _refreshes.Add(body.RootElement.GetProperty("refreshToken").GetString()!);
            }

            return AnswerAsync is { } answerAsync ? await answerAsync(request) : Answer(request);
        }
    }
}
