using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;

namespace Gozon.Web.Identity;

/// <summary>
/// A tab's circuit took its user from the cookie when it connected, and would keep it for hours. This checks now
/// and then that the session still exists (not signed out in another tab, not refused a refresh): when it is gone
/// the page's user becomes nobody, and the shop's pages send the tab to sign in.
/// </summary>
public sealed class SessionRevalidation(ShopperTokens tokens, ILoggerFactory loggerFactory)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    /// <summary>A lookup in Gozon.Web's own memory: cheap enough to do often, so a signed-out tab stops soon.</summary>
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(10);

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken) =>
        Shopper.From(authenticationState.User) is { } shopper && await tokens.IsActiveAsync(shopper.SessionId, cancellationToken);
}
