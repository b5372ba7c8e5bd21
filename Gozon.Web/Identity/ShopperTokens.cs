using System.Security.Cryptography;
using System.Text.Json;
using Gozon.Web.Gateway;
using Microsoft.Extensions.Caching.Distributed;

namespace Gozon.Web.Identity;

/// <summary>
/// The shoppers' tokens, on the server only, keyed by a random session id that the sign-in cookie carries.
/// Hands out an access token that is still valid, refreshing it at the gateway when its time is near.
/// The cache is Gozon.Web's memory (Program.cs): a restart of Gozon.Web forgets every session and so signs every
/// shopper out, and all of a shopper's tabs must reach the same replica. A shared cache (e.g. Redis) would lift
/// both, but then refreshes would need a lock across replicas too.
/// </summary>
public sealed partial class ShopperTokens(
    IDistributedCache cache, IdentityClient identity, TimeProvider timeProvider, ILogger<ShopperTokens> logger)
{
    /// <summary>A session nobody uses for this long is forgotten; every use (a refresh) extends it.</summary>
    public static readonly TimeSpan IdleLifetime = TimeSpan.FromDays(14);

    private const string KeyPrefix = "gozon:web:session:";

    /// <summary>
    /// Refreshes are serialised per session, so two tabs (or a page and its live feed) never both spend the one
    /// refresh token. A fixed set of locks picked by the id's hash keeps memory bounded however many sessions
    /// come and go; two sessions that share a lock only ever wait for each other's rare refresh.
    /// </summary>
    private readonly SemaphoreSlim[] _refreshLocks = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Keeps the tokens of a fresh sign-in and returns the new session's id (for the cookie).</summary>
    public async Task<string> StartAsync(string userName, TokenResponse tokens, CancellationToken cancellationToken)
    {
        var sessionId = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        await SaveAsync(sessionId, SessionTokens.Issued(userName, tokens, timeProvider.GetUtcNow()), cancellationToken);
        LogStarted(userName);
        return sessionId;
    }

    public async Task<bool> IsActiveAsync(string sessionId, CancellationToken cancellationToken) =>
        await LoadAsync(sessionId, cancellationToken) is not null;

    public async Task EndAsync(string sessionId, CancellationToken cancellationToken)
    {
        await cache.RemoveAsync(Key(sessionId), cancellationToken);
    }

    /// <summary>An access token valid for a while yet; a session the gateway no longer refreshes is ended.</summary>
    public async Task<AccessToken> GetAccessTokenAsync(string sessionId, CancellationToken cancellationToken)
    {
        var tokens = await LoadAsync(sessionId, cancellationToken);
        if (tokens is null)
        {
            return new AccessToken(null, ApiProblem.SignedOut());
        }

        if (timeProvider.GetUtcNow() < tokens.RefreshAfter)
        {
            return new AccessToken(tokens.AccessToken, null);
        }

        var refreshLock = _refreshLocks[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionId) % (uint)_refreshLocks.Length)];
        await refreshLock.WaitAsync(cancellationToken);
        try
        {
            return await RefreshAsync(sessionId, cancellationToken);
        }
        finally
        {
            refreshLock.Release();
        }
    }

    private async Task<AccessToken> RefreshAsync(string sessionId, CancellationToken cancellationToken)
    {
        // Read again under the lock: whoever held it before may have refreshed already.
        var tokens = await LoadAsync(sessionId, cancellationToken);
        if (tokens is null)
        {
            return new AccessToken(null, ApiProblem.SignedOut());
        }

        var now = timeProvider.GetUtcNow();
        if (now < tokens.RefreshAfter)
        {
            return new AccessToken(tokens.AccessToken, null);
        }

        // Not the caller's token: once the gateway has taken the refresh token, only the new one it answers works,
        // so a tab that goes away meanwhile must not leave the session holding the spent one.
        var refreshed = await identity.RefreshAsync(tokens.RefreshToken, CancellationToken.None);
        if (refreshed.Value is { } fresh)
        {
            await SaveAsync(sessionId, SessionTokens.Issued(tokens.UserName, fresh, timeProvider.GetUtcNow()), CancellationToken.None);
            LogRefreshed(tokens.UserName);
            return new AccessToken(fresh.AccessToken, null);
        }

        if (refreshed.Problem!.IsSignedOut)
        {
            // Expired, revoked, or spent elsewhere: nothing but a new sign-in helps.
            await EndAsync(sessionId, CancellationToken.None);
            LogRefreshRejected(tokens.UserName, refreshed.Problem.Title);
            return new AccessToken(null, ApiProblem.SignedOut());
        }

        // The gateway is away or busy: the token in hand still works until it expires; the next call tries again.
        LogRefreshFailed(tokens.UserName, refreshed.Problem.Status);
        return now < tokens.ExpiresAt
            ? new AccessToken(tokens.AccessToken, null)
            : new AccessToken(null, refreshed.Problem);
    }

    private async Task<SessionTokens?> LoadAsync(string sessionId, CancellationToken cancellationToken) =>
        await cache.GetAsync(Key(sessionId), cancellationToken) is { } bytes
            ? JsonSerializer.Deserialize<SessionTokens>(bytes)
            : null;

    private Task SaveAsync(string sessionId, SessionTokens tokens, CancellationToken cancellationToken) =>
        cache.SetAsync(Key(sessionId), JsonSerializer.SerializeToUtf8Bytes(tokens),
            new DistributedCacheEntryOptions { SlidingExpiration = IdleLifetime }, cancellationToken);

    private static string Key(string sessionId) => KeyPrefix + sessionId;

    [LoggerMessage(LogLevel.Information, "{UserName} signed in")]
    private partial void LogStarted(string userName);

    [LoggerMessage(LogLevel.Debug, "Refreshed the access token of {UserName}")]
    private partial void LogRefreshed(string userName);

    [LoggerMessage(LogLevel.Information, "The gateway refused to refresh the tokens of {UserName} ({Reason}); they must sign in again")]
    private partial void LogRefreshRejected(string userName, string reason);

    [LoggerMessage(LogLevel.Warning, "Could not refresh the access token of {UserName} (status {Status}); keeping the current one while it lasts")]
    private partial void LogRefreshFailed(string userName, int status);
}
