namespace Gozon.Web.Identity;

/// <summary>The gateway's answer to a login or a refresh (<c>expiresIn</c> in seconds).</summary>
public sealed record TokenResponse(string TokenType, string AccessToken, int ExpiresIn, string RefreshToken);

/// <summary>The gateway's answer to a registration.</summary>
public sealed record Registered(string UserName);

/// <summary>What the token store keeps for one session; times come from <see cref="TimeProvider"/>.</summary>
public sealed record SessionTokens(
    string UserName, string AccessToken, string RefreshToken, DateTimeOffset RefreshAfter, DateTimeOffset ExpiresAt)
{
    /// <summary>
    /// Refresh once four fifths of the access token's life are gone: early enough that a slow gateway or a
    /// refresh that has to wait for another tab's still leaves a valid token, late enough to refresh rarely.
    /// </summary>
    public static SessionTokens Issued(string userName, TokenResponse response, DateTimeOffset now)
    {
        var lifetime = TimeSpan.FromSeconds(Math.Max(0, response.ExpiresIn));
        return new SessionTokens(userName, response.AccessToken, response.RefreshToken, now + lifetime * 0.8, now + lifetime);
    }
}

/// <summary>A valid access token for a call, or why there is none (signed out, or the gateway is away).</summary>
public readonly record struct AccessToken(string? Value, Gateway.ApiProblem? Problem);
