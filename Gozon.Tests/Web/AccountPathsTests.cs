using Gozon.Web.Identity;

namespace Gozon.Tests.Web;

/// <summary>Signing in follows only return URLs on Gozon.Web itself: the sign-in page must not redirect anywhere else.</summary>
public sealed class AccountPathsTests
{
    [Theory]
    [InlineData("/", "/")]
    [InlineData("/orders/3f2c", "/orders/3f2c")]
    [InlineData("/?tab=orders", "/?tab=orders")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("orders", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example/", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/orders\r\nLocation: https://evil.example/", "/")]
    public void Only_local_paths_are_followed(string? returnUrl, string followed) =>
        Assert.Equal(followed, AccountPaths.Local(returnUrl));

    [Fact]
    public void The_sign_in_link_carries_a_local_return_url_and_drops_any_other()
    {
        Assert.Equal("/account/sign-in?returnUrl=%2Forders%2F3f2c", AccountPaths.SignInFor("/orders/3f2c"));
        Assert.Equal("/account/sign-in", AccountPaths.SignInFor("/"));
        Assert.Equal("/account/sign-in", AccountPaths.SignInFor("https://evil.example/"));
    }
}
