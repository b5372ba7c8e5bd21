using Gozon.Web.Gateway;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Gozon.Web.Identity;

/// <summary>
/// Signs shoppers up, in and out: the gateway checks the password and issues the tokens, <see cref="ShopperTokens"/>
/// keeps them, and the browser gets only a cookie naming the session.
/// </summary>
public sealed partial class ShopperSignIn(IdentityClient identity, ShopperTokens tokens, ILogger<ShopperSignIn> logger)
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;

    /// <summary>Signs in and sets the cookie on <paramref name="http"/>'s response; the problem to show, or null.</summary>
    public async Task<ApiProblem?> SignInAsync(HttpContext http, string userName, string password, CancellationToken cancellationToken)
    {
        var login = await identity.LoginAsync(userName, password, ShopperAddress(http), cancellationToken);
        if (login.Value is not { } issued)
        {
            LogSignInRefused(userName, login.Problem!.Status);
            return login.Problem;
        }

        // A browser that was signed in as someone else leaves that session behind for good.
        if (Shopper.From(http.User) is { } previous)
        {
            await tokens.EndAsync(previous.SessionId, cancellationToken);
        }

        var sessionId = await tokens.StartAsync(userName, issued, cancellationToken);
        await http.SignInAsync(Scheme, new Shopper(userName, sessionId).ToPrincipal(Scheme), new AuthenticationProperties { IsPersistent = true });
        return null;
    }

    /// <summary>Registers a shopper; signing them in is the caller's next step.</summary>
    public async Task<ApiResult<Registered>> RegisterAsync(HttpContext http, string userName, string password, CancellationToken cancellationToken)
    {
        var registered = await identity.RegisterAsync(userName, password, ShopperAddress(http), cancellationToken);
        if (registered.Value is { } shopper)
        {
            LogRegistered(shopper.UserName);
        }

        return registered;
    }

    public async Task SignOutAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (Shopper.From(http.User) is { } shopper)
        {
            await tokens.EndAsync(shopper.SessionId, cancellationToken);
            LogSignedOut(shopper.UserName);
        }

        await http.SignOutAsync(Scheme);
    }

    /// <summary>
    /// The cookie's check on every request: a cookie whose session has ended (signed out elsewhere, a refresh the
    /// gateway refused, or a restart of Gozon.Web) no longer signs anybody in, and is removed.
    /// </summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var tokens = context.HttpContext.RequestServices.GetRequiredService<ShopperTokens>();
        if (context.Principal is { } principal && Shopper.From(principal) is { } shopper
            && await tokens.IsActiveAsync(shopper.SessionId, context.HttpContext.RequestAborted))
        {
            return;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(Scheme);
    }

    private static string? ShopperAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();

    [LoggerMessage(LogLevel.Information, "Registered {UserName}")]
    private partial void LogRegistered(string userName);

    [LoggerMessage(LogLevel.Information, "The gateway refused the sign-in of {UserName} (status {Status})")]
    private partial void LogSignInRefused(string userName, int status);

    [LoggerMessage(LogLevel.Information, "{UserName} signed out")]
    private partial void LogSignedOut(string userName);
}
