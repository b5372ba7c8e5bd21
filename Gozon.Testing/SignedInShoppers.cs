using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace Gozon.Testing;

/// <summary>The gateway's answer to a login: the shape of Identity's <c>MapIdentityApi</c>.</summary>
public sealed record ShopperTokens(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

/// <summary>
/// The harness's shoppers, signed in at the gateway as a client would: the first time a user id is used it is registered
/// (a 409 means an earlier test did it) and logged in, and its access token is kept until a minute before it expires.
/// One per system, shared by all its clients, so each shopper costs one registration and one login (two password hashes).
/// </summary>
public sealed class SignedInShoppers(Uri gateway, TimeProvider timeProvider)
{
    /// <summary>Every harness shopper's password; it meets the gateway's policy.</summary>
    public const string Password = "Harness-passw0rd";

    private static readonly TimeSpan RenewBefore = TimeSpan.FromMinutes(1);
    private readonly HttpClient _http = new() { BaseAddress = gateway, Timeout = TimeSpan.FromSeconds(60) };
    private readonly ConcurrentDictionary<string, Lazy<Task<(ShopperTokens Tokens, DateTimeOffset RenewAt)>>> _signedIn = new(StringComparer.Ordinal);

    public static bool IsUserName(string? value) => Gozon.ServiceDefaults.Api.UserId.TryParse(value, out _);

    public async Task<string> AccessTokenAsync(string userId, CancellationToken cancellationToken = default) =>
        (await TokensAsync(userId, cancellationToken)).AccessToken;

    public async Task<ShopperTokens> TokensAsync(string userId, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var entry = _signedIn.GetOrAdd(userId, id => new(() => SignInAsync(id, CancellationToken.None)));
            (ShopperTokens Tokens, DateTimeOffset RenewAt) signedIn;
            try
            {
                signedIn = await entry.Value.WaitAsync(cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A failed sign-in (the gateway restarting, say) is not remembered: the next request tries again.
                _signedIn.TryRemove(KeyValuePair.Create(userId, entry));
                throw;
            }

            var (tokens, renewAt) = signedIn;
            if (timeProvider.GetUtcNow() < renewAt)
            {
                return tokens;
            }

            _signedIn.TryRemove(KeyValuePair.Create(userId, entry));
        }
    }

    /// <summary>Registers <paramref name="userId"/> when it is new; a name that is taken (an earlier sign-in) is fine.</summary>
    public async Task RegisterAsync(string userId, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("/api/identity/register", new { userName = userId, password = Password }, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.Created or HttpStatusCode.Conflict))
        {
            throw new InvalidOperationException(
                $"Registering {userId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    public async Task<ShopperTokens> LoginAsync(string userId, string password = Password, CancellationToken cancellationToken = default)
    {
        using var response = await _http.PostAsJsonAsync("/api/identity/login", new { userName = userId, password }, cancellationToken);
        return response.StatusCode == HttpStatusCode.OK
            ? (await response.Content.ReadFromJsonAsync<ShopperTokens>(cancellationToken))!
            : throw new InvalidOperationException(
                $"Signing in {userId} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
    }

    /// <summary>A handler that turns a request's <c>X-User-Id</c> (and no Authorization) into that shopper's bearer token.</summary>
    public DelegatingHandler CreateHandler(HttpMessageHandler inner) => new SignInHandler(this) { InnerHandler = inner };

    private async Task<(ShopperTokens, DateTimeOffset)> SignInAsync(string userId, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetUtcNow();
        await RegisterAsync(userId, cancellationToken);
        var tokens = await LoginAsync(userId, Password, cancellationToken);
        return (tokens, started + TimeSpan.FromSeconds(tokens.ExpiresIn) - RenewBefore);
    }

    /// <summary>
    /// Tests name their shoppers as the API before sign-in did, with <c>X-User-Id</c>; this signs each one in instead.
    /// A request that already carries Authorization, or a header that is not a valid user name (bad-input tests), goes as it is.
    /// </summary>
    private sealed class SignInHandler(SignedInShoppers shoppers) : DelegatingHandler
    {
        private const string UserHeader = "X-User-Id";

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Headers.Authorization is null
                && request.Headers.TryGetValues(UserHeader, out var values) && values.ToList() is [var userId]
                && IsUserName(userId))
            {
                request.Headers.Remove(UserHeader);
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await shoppers.AccessTokenAsync(userId, cancellationToken));
            }

            return await base.SendAsync(request, cancellationToken);
        }
    }
}
