using Microsoft.AspNetCore.Antiforgery;

namespace Gozon.Web.Identity;

public static class AccountEndpoints
{
    /// <summary>
    /// Sign-out: a POST with the antiforgery token (the shopper bar's form), so no other site and no prefetched
    /// link can sign a shopper out. Then on to the sign-in page.
    /// </summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost(AccountPaths.SignOut, async (HttpContext http, IAntiforgery antiforgery, ShopperSignIn signIn) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.BadRequest();
            }

            await signIn.SignOutAsync(http, http.RequestAborted);
            return Results.LocalRedirect(AccountPaths.SignIn);
        });
        return endpoints;
    }
}
