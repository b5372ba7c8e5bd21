namespace Gozon.Gateway.Identity;

/// <summary>Sign-in at the gateway (section <c>Gozon:Identity</c>); checked at start-up.</summary>
public sealed class GatewayIdentityOptions
{
    public const string SectionName = "Gozon:Identity";

    /// <summary>
    /// Signs and checks the access and refresh tokens (HMAC-SHA256, so at least 32 characters). The AppHost generates it
    /// into its state folder, deploy/ into <c>.env</c>; every gateway replica must have the same one.
    /// </summary>
    public string SigningKey { get; set; } = "";

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(15);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// Insecure, off by default: a request without a token may name its user in <c>X-User-Id</c> (or the hub's <c>?userId=</c>),
    /// as the API before sign-in did. For local experiments and clients written for that API only.
    /// </summary>
    public bool TrustUserIdHeader { get; set; }

    public LockoutSettings Lockout { get; set; } = new();

    public RateLimitSettings RateLimits { get; set; } = new();

    public IEnumerable<string> Problems()
    {
        if (SigningKey.Length < 32)
        {
            yield return $"{SectionName}:SigningKey must be at least 32 characters (it has {SigningKey.Length}); the AppHost and deploy/.env generate one.";
        }

        if (AccessTokenLifetime <= TimeSpan.Zero || RefreshTokenLifetime < AccessTokenLifetime)
        {
            yield return $"{SectionName}:AccessTokenLifetime ({AccessTokenLifetime}) must be positive and RefreshTokenLifetime ({RefreshTokenLifetime}) at least as long.";
        }

        if (Lockout.MaxFailedAttempts < 1 || Lockout.Duration <= TimeSpan.Zero)
        {
            yield return $"{SectionName}:Lockout needs MaxFailedAttempts ≥ 1 (has {Lockout.MaxFailedAttempts}) and a positive Duration (has {Lockout.Duration}).";
        }

        foreach (var (name, limit) in new[] { ("PerAddress", RateLimits.PerAddress), ("PerUserName", RateLimits.PerUserName) })
        {
            if (limit.PermitLimit < 1 || limit.Window <= TimeSpan.Zero)
            {
                yield return $"{SectionName}:RateLimits:{name} needs PermitLimit ≥ 1 (has {limit.PermitLimit}) and a positive Window (has {limit.Window}).";
            }
        }
    }
}

/// <summary>Identity's lockout: after this many wrong passwords in a row the account refuses sign-in for <see cref="Duration"/>.</summary>
public sealed class LockoutSettings
{
    public int MaxFailedAttempts { get; set; } = 5;

    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>How many register and login attempts a client address, and a user name, may make per window.</summary>
public sealed class RateLimitSettings
{
    public FixedWindow PerAddress { get; set; } = new() { PermitLimit = 20 };

    public FixedWindow PerUserName { get; set; } = new() { PermitLimit = 10 };
}

public sealed class FixedWindow
{
    public int PermitLimit { get; set; }

    public TimeSpan Window { get; set; } = TimeSpan.FromMinutes(1);
}
