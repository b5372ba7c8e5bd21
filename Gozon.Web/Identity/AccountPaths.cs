namespace Gozon.Web.Identity;

/// <summary>Where signing in, up and out live, and the only return URLs they follow: this site's own.</summary>
public static class AccountPaths
{
    public const string SignIn = "/account/sign-in";
    public const string SignUp = "/account/sign-up";
    public const string SignOut = "/account/sign-out";
    public const string ReturnUrlParameter = "returnUrl";

    public static string SignInFor(string? returnUrl) => WithReturnUrl(SignIn, returnUrl);

    public static string SignUpFor(string? returnUrl) => WithReturnUrl(SignUp, returnUrl);

    /// <summary>
    /// <paramref name="returnUrl"/> if it is a path on this site, else the shop. "//evil.example" and "/\evil.example"
    /// are other sites to a browser, and anything absolute is someone else's: a sign-in must not become a redirector.
    /// </summary>
    public static string Local(string? returnUrl) =>
        returnUrl is ['/', ..] && !returnUrl.StartsWith("//", StringComparison.Ordinal) && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
        && !returnUrl.Any(char.IsControl)
            ? returnUrl
            : "/";

    private static string WithReturnUrl(string page, string? returnUrl) =>
        Local(returnUrl) is var local && local == "/" ? page : $"{page}?{ReturnUrlParameter}={Uri.EscapeDataString(local)}";
}
