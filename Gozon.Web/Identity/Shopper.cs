using System.Security.Claims;

namespace Gozon.Web.Identity;

/// <summary>
/// The signed-in shopper as the cookie names them: the user name to show, and the id of the server-side session
/// that holds their tokens (<see cref="ShopperTokens"/>). The cookie carries nothing else: no token leaves the server.
/// </summary>
public sealed record Shopper(string UserName, string SessionId)
{
    public const string SessionClaim = "gozon:session";

    public static Shopper? From(ClaimsPrincipal principal) =>
        principal.Identity is { IsAuthenticated: true, Name: { Length: > 0 } userName }
        && principal.FindFirstValue(SessionClaim) is { Length: > 0 } sessionId
            ? new Shopper(userName, sessionId)
            : null;

    public ClaimsPrincipal ToPrincipal(string authenticationType) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, UserName), new Claim(SessionClaim, SessionId)], authenticationType));
}
