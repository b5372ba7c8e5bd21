using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gozon.Gateway.Identity;

/// <summary>What a successful login or refresh returns: the shape of Identity's own <c>MapIdentityApi</c>.</summary>
public sealed record AccessTokenResponse(string TokenType, string AccessToken, long ExpiresIn, string RefreshToken);

/// <summary>
/// Issues and reads the gateway's tokens: JWTs signed with <see cref="GatewayIdentityOptions.SigningKey"/>. An access token
/// names the shopper (<c>sub</c> = user name, the <c>X-User-Id</c> the services see). A refresh token is a JWT for another
/// audience carrying the user's id and security stamp, so that a password change or a reset stamp ends every refresh
/// token issued before it, as Identity's bearer tokens do; it is not stored, and not single-use.
/// </summary>
public sealed class ShopperTokens(IOptions<GatewayIdentityOptions> options, TimeProvider timeProvider)
{
    public const string Issuer = "gozon-gateway";
    public const string AccessAudience = "gozon-api";
    public const string RefreshAudience = "gozon-refresh";
    public const string UserNameClaim = JwtRegisteredClaimNames.Sub;
    private const string StampClaim = "stamp";
    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new();
    private readonly SymmetricSecurityKey _key = new(Encoding.UTF8.GetBytes(options.Value.SigningKey));
    private readonly GatewayIdentityOptions _options = options.Value;

    public AccessTokenResponse Issue(IdentityUser user)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        var access = Create(AccessAudience, now, _options.AccessTokenLifetime, new()
        {
            [UserNameClaim] = user.UserName!,
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        });
        var refresh = Create(RefreshAudience, now, _options.RefreshTokenLifetime, new()
        {
            [JwtRegisteredClaimNames.Sub] = user.Id,
            [StampClaim] = user.SecurityStamp ?? "",
            [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
        });
        return new AccessTokenResponse("Bearer", access, (long)_options.AccessTokenLifetime.TotalSeconds, refresh);
    }

    /// <summary>How the JWT bearer handler checks an access token.</summary>
    public TokenValidationParameters AccessTokenValidation() => Validation(AccessAudience);

    /// <summary>The user id and security stamp of a valid, unexpired refresh token; <c>null</c> for anything else.</summary>
    public async Task<(string UserId, string Stamp)?> ReadRefreshTokenAsync(string refreshToken)
    {
        var result = await _handler.ValidateTokenAsync(refreshToken, Validation(RefreshAudience));
        return result.IsValid
            && result.Claims.TryGetValue(JwtRegisteredClaimNames.Sub, out var id) && id is string userId
            && result.Claims.TryGetValue(StampClaim, out var value) && value is string stamp
            ? (userId, stamp)
            : null;
    }

    private string Create(string audience, DateTime now, TimeSpan lifetime, Dictionary<string, object> claims) =>
        _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Claims = claims,
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.HmacSha256),
        });

    private TokenValidationParameters Validation(string audience) => new()
    {
        ValidIssuer = Issuer,
        ValidAudience = audience,
        IssuerSigningKey = _key,
        ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
        NameClaimType = UserNameClaim,
        ClockSkew = ClockSkew,
        // Lifetimes are judged by the host's TimeProvider, like every other clock in Gozon.
        LifetimeValidator = (notBefore, expires, _, _) =>
        {
            var now = timeProvider.GetUtcNow().UtcDateTime;
            return notBefore is { } from && expires is { } until && from - ClockSkew <= now && now < until + ClockSkew;
        },
    };
}
