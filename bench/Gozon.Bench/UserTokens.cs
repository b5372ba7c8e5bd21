using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Gozon.Bench;

/// <summary>What <c>POST /api/identity/login</c> and <c>/refresh</c> answer (<c>expiresIn</c> in seconds).</summary>
public sealed record TokenAnswer(string TokenType, string AccessToken, int ExpiresIn, string RefreshToken);

/// <summary>A user's bearer token, the refresh token that replaces it, and when it expires by this host's clock.</summary>
public sealed record UserSession(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt);

/// <summary>
/// The bench's users sign in at the gateway as any client does: each registers and logs in once, before anything is
/// measured, then sends its bearer token. Tokens that would expire during a phase are refreshed before it starts
/// (<see cref="RefreshExpiringAsync"/>); one that expires anyway is refreshed when next used, and a refused refresh or a
/// 401 means logging in again.
/// </summary>
public sealed class UserTokens(HttpClient http)
{
    private const int MaxRateLimitWaits = 10;

    // A token this close to its expiry is renewed before use: it could lapse while the request is on its way.
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, UserSession> _sessions = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _renewing = new();
    private int _refreshes;
    private int _logins;

    /// <summary>One password for the run's users: the policy's 8+ characters, lowercase, uppercase and a digit.</summary>
    public string Password { get; } = $"Bench-{Guid.NewGuid():N}-1";

    public int Refreshes => Volatile.Read(ref _refreshes);

    /// <summary>Logins after the first one of each user (a refused refresh, a 401).</summary>
    public int LoginsAgain => Math.Max(0, Volatile.Read(ref _logins) - _sessions.Count);

    public async Task SignInAsync(string user, CancellationToken cancellationToken)
    {
        using var response = await PostAsync("/api/identity/register", Credentials(user), cancellationToken);
        await EnsureAsync(response, HttpStatusCode.Created, cancellationToken);
        await LoginAsync(user, cancellationToken);
    }

    public async ValueTask<string> AccessTokenAsync(string user, CancellationToken cancellationToken)
    {
        var session = _sessions.TryGetValue(user, out var known) ? known : throw new InvalidOperationException($"{user} has not signed in.");
        return session.ExpiresAt - DateTimeOffset.UtcNow > Margin ? session.AccessToken : (await RenewAsync(user, session, cancellationToken)).AccessToken;
    }

    /// <summary>After a 401 for <paramref name="refused"/> (expired early, or the gateway's signing key changed): log in again, once per refused token.</summary>
    public async Task<string> SignInAgainAsync(string user, string refused, CancellationToken cancellationToken)
    {
        var gate = _renewing.GetOrAdd(user, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return _sessions[user].AccessToken != refused ? _sessions[user].AccessToken : (await LoginAsync(user, cancellationToken)).AccessToken;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Refreshes every token that would expire within <paramref name="within"/>, so that a phase of that length runs on fresh tokens.</summary>
    public async Task<int> RefreshExpiringAsync(TimeSpan within, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + within + Margin;
        var expiring = _sessions.Where(s => s.Value.ExpiresAt <= deadline).ToList();
        await Parallel.ForEachAsync(expiring, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (session, ct) => await RenewAsync(session.Key, session.Value, ct));
        return expiring.Count;
    }

    private async Task<UserSession> RenewAsync(string user, UserSession seen, CancellationToken cancellationToken)
    {
        var gate = _renewing.GetOrAdd(user, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            if (_sessions[user] != seen)
            {
                return _sessions[user]; // renewed by another caller meanwhile
            }

            using var response = await PostAsync("/api/identity/refresh", JsonSerializer.Serialize(new { refreshToken = seen.RefreshToken }), cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                Interlocked.Increment(ref _refreshes);
                return await StoreAsync(user, response, cancellationToken);
            }

            // 401: the refresh token expired or was revoked; the password still signs the user in.
            return await LoginAsync(user, cancellationToken);
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<UserSession> LoginAsync(string user, CancellationToken cancellationToken)
    {
        using var response = await PostAsync("/api/identity/login", Credentials(user), cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, cancellationToken);
        Interlocked.Increment(ref _logins);
        return await StoreAsync(user, response, cancellationToken);
    }

    private async Task<UserSession> StoreAsync(string user, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(JsonSerializerOptions.Web, cancellationToken)
            ?? throw new InvalidOperationException($"{response.RequestMessage?.RequestUri} answered no token.");
        var session = new UserSession(answer.AccessToken, answer.RefreshToken, DateTimeOffset.UtcNow.AddSeconds(answer.ExpiresIn));
        _sessions[user] = session;
        return session;
    }

    private string Credentials(string user) => JsonSerializer.Serialize(new { userName = user, password = Password });

    /// <summary>A sign-in call; a 429 waits for its <c>Retry-After</c> and tries again (a gateway with its default per-address limit).</summary>
    private async Task<HttpResponseMessage> PostAsync(string path, string json, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var response = await http.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), cancellationToken);
            if (response.StatusCode != HttpStatusCode.TooManyRequests || attempt == MaxRateLimitWaits)
            {
                return response;
            }

            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(5);
            response.Dispose();
            await Task.Delay(wait, cancellationToken);
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            var hint = response.StatusCode == HttpStatusCode.TooManyRequests
                ? " (the gateway's sign-in rate limit: raise Gozon:Identity:RateLimits:PerAddress:PermitLimit on it, or use fewer --Users)"
                : "";
            throw new InvalidOperationException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}, expected {(int)expected}{hint}: {body}");
        }
    }
}
