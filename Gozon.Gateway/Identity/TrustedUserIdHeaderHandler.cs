using System.Security.Claims;
using System.Text.Encodings.Web;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Gozon.Gateway.Identity;

/// <summary>
/// The insecure compatibility mode (<c>Gozon:Identity:TrustUserIdHeader=true</c>): the caller is whoever <c>X-User-Id</c>
/// (or, on the hub, <c>?userId=</c>) says, as in the API before sign-in.
/// </summary>
public sealed class TrustedUserIdHeaderHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "trusted-user-id-header";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (!Request.Headers.ContainsKey(UserId.HeaderName) && !Request.Query.ContainsKey(UserId.QueryName))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (!UserId.TryReadConnection(Request, out var userId, out var error))
        {
            return Task.FromResult(AuthenticateResult.Fail(error!));
        }

        var identity = new ClaimsIdentity([new Claim(ShopperTokens.UserNameClaim, userId!.Value)], SchemeName, ShopperTokens.UserNameClaim, null);
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName)));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        await CallerAuthentication.WriteUnauthorizedAsync(Context, result.Failure?.Message
            ?? $"Send 'Authorization: Bearer <accessToken>' from POST /api/identity/login, or (trusted-header mode) {UserId.HeaderName}.");
    }
}
