using System.Text;
using Gozon.Gateway.Identity;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Gozon.Tests.Identity;

/// <summary>Access tokens made by the test itself: expired ones, ones signed with another key, or valid ones without a login.</summary>
public static class AccessTokens
{
    public static string Sign(string user, string key, DateTime expires) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
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
