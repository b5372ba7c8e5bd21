using System.Text.RegularExpressions;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gozon.Tests.Browser;

/// <summary>
/// The web front end in real Chromium, against the whole system; the browser only ever talks to Gozon.Web, and
/// every shopper signs up or in first (their tokens stay in Gozon.Web). The tests' own API calls go through the
/// harness's <see cref="Gozon.Testing.SignedInShoppers"/>, which signs the same shoppers in with the same password.
/// </summary>
[Collection(GozonSystemCollection.Name)]
[Trait("Category", "Browser")]
public sealed partial class ShopBrowserTests(GozonAppFixture system, ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private const string ShopperCookie = "gozon.shopper";
    private readonly GozonApi _api = new(system.Gateway);
    private IBrowserContext? _context;

    public async Task InitializeAsync() => _context = await NewContextAsync();

    public async Task DisposeAsync()
    {
        if (_context is not null)
        {
            await _context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_new_shopper_tops_up_and_watches_one_order_get_paid_and_one_get_cancelled_without_reloading()
    {
        var shop = await OpenShopAsync();
        await shop.ScreenshotAsync("1-sign-in");
        var user = system.NewUserId();
        await shop.SignUpAsync(user);
        await shop.CreateAccountAsync();
        await shop.TopUpAsync("100");
        await Expect(shop.Balance).ToHaveTextAsync("100.00");
        // Also signs the test's own API client in (a login, a password hash), which must not eat into the timings below.
        Assert.Equal(100m, (await _api.GetBalanceAsync(user)).Balance);

        // From here on, nothing may reload the page or poll: the browser's only channel is Blazor's WebSocket.
        await shop.Page.EvaluateAsync("() => window.gozonSamePage = true");
        var httpRequests = new List<string>();
        shop.Page.Request += (_, request) => httpRequests.Add(request.Url);

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var paid = await shop.PlaceOrderAsync("30", "a desk lamp");
        await Expect(shop.OrderStatus(paid)).ToHaveTextAsync("Finished", ShopPage.Live);
        var onScreen = DateTimeOffset.UtcNow;
        output.WriteLine($"click on 'Place order' to 'Finished' on screen: {clock.ElapsedMilliseconds} ms; " +
            $"status committed to on screen: {(onScreen - (await _api.GetOrderAsync(user, paid)).UpdatedAt).TotalMilliseconds:0} ms");
        await Expect(shop.Toasts.Filter(new() { HasText = "paid" })).ToBeVisibleAsync();
        clock.Restart();
        var cancelled = await shop.PlaceOrderAsync("500", "a sofa");
        await Expect(shop.OrderStatus(cancelled)).ToHaveTextAsync("Cancelled: insufficient funds", ShopPage.Live);
        output.WriteLine($"click on 'Place order' to 'Cancelled' on screen: {clock.ElapsedMilliseconds} ms");
        await Expect(shop.Toasts.Filter(new() { HasText = "cancelled: insufficient funds" })).ToBeVisibleAsync();
        await Expect(shop.Balance).ToHaveTextAsync("70.00", ShopPage.Live);
        await shop.ScreenshotAsync("2-shop-live");

        Assert.True(await shop.Page.EvaluateAsync<bool>("() => window.gozonSamePage === true"), "the page reloaded");
        Assert.Empty(httpRequests);
        Assert.Equal("Finished", (await _api.GetOrderAsync(user, paid)).Status);
        Assert.Equal(70m, (await _api.GetBalanceAsync(user)).Balance);
        Assert.Equal(["a sofa", "a desk lamp"], await shop.Orders.Locator(".order-description").AllInnerTextsAsync());

        await shop.Orders.Filter(new() { HasText = "a desk lamp" }).GetByRole(AriaRole.Link).ClickAsync();
        await Expect(shop.Page.GetByRole(AriaRole.Heading, new() { Name = "Order #" })).ToBeVisibleAsync();
        await Expect(shop.Page.GetByTestId("status")).ToHaveTextAsync("Finished");
        await shop.ScreenshotAsync("3-order-detail");
    }

    [Fact]
    public async Task The_shopper_stays_signed_in_across_reloads_with_a_cookie_the_page_cannot_read_and_no_token_in_the_browser()
    {
        var shop = await OpenShopAsync();
        var user = system.NewUserId();
        await shop.SignUpAsync(user);

        await shop.Page.ReloadAsync();
        await shop.ExpectShoppingAsAsync(user);

        var cookie = Assert.Single(await _context!.CookiesAsync(), c => c.Name == ShopperCookie);
        Assert.True(cookie.HttpOnly, "the sign-in cookie is readable by scripts");
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        Assert.DoesNotContain(ShopperCookie, await shop.Page.EvaluateAsync<string>("() => document.cookie"), StringComparison.Ordinal);
        Assert.Equal(0, await shop.Page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length"));
    }

    [Fact]
    public async Task A_shopper_signs_up_signs_in_shops_and_signs_out_and_another_shopper_sees_none_of_it()
    {
        var first = system.NewUserId();
        var shop = await OpenShopAsync();
        await shop.SignUpAsync(first);
        await shop.SignOutAsync();
        await shop.SignInAsync(first);
        await shop.CreateAccountAsync();
        await shop.TopUpAsync("40");
        await Expect(shop.Balance).ToHaveTextAsync("40.00");
        var order = await shop.PlaceOrderAsync("15", "the first shopper's secret gift");
        await Expect(shop.OrderStatus(order)).ToHaveTextAsync("Finished", ShopPage.Live);
        await Expect(shop.Balance).ToHaveTextAsync("25.00", ShopPage.Live);

        await shop.SignOutAsync();
        await shop.ScreenshotAsync("6-signed-out");
        Assert.DoesNotContain(await _context!.CookiesAsync(), c => c.Name == ShopperCookie);
        await shop.Page.GotoAsync(system.Web.ToString());
        await Expect(shop.SignInHeading).ToBeVisibleAsync();
        Assert.StartsWith(new Uri(system.Web, "account/sign-in").ToString(), shop.Page.Url, StringComparison.Ordinal);
        await shop.Page.GotoAsync(new Uri(system.Web, $"orders/{order}").ToString());
        await Expect(shop.SignInHeading).ToBeVisibleAsync();
        Assert.EndsWith($"returnUrl=%2Forders%2F{order}", shop.Page.Url, StringComparison.Ordinal);

        var otherContext = await NewContextAsync();
        try
        {
            var other = new ShopPage(await otherContext.NewPageAsync());
            await other.OpenAsync(system.Web);
            await other.SignUpAsync(system.NewUserId());

            await Expect(other.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" })).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Expect(other.Balance).ToHaveCountAsync(0);
            await Expect(other.Page.GetByText("No orders yet")).ToBeVisibleAsync();
            await Expect(other.Orders).ToHaveCountAsync(0);
            await Expect(other.Page.GetByText("secret gift")).ToHaveCountAsync(0);
            await other.ScreenshotAsync("7-another-shopper");

            // Not even with the first shopper's order id in the address bar.
            await other.Page.GotoAsync(new Uri(system.Web, $"orders/{order}").ToString());
            await Expect(other.Page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync(new() { Timeout = 20_000 });
            await Expect(other.Page.GetByText("secret gift")).ToHaveCountAsync(0);
        }
        finally
        {
            await otherContext.CloseAsync();
        }
    }

    [Fact]
    public async Task Signing_out_in_one_tab_sends_the_shoppers_other_tab_to_sign_in()
    {
        var shop = await OpenShopAsync();
        var user = system.NewUserId();
        await shop.SignUpAsync(user);
        var otherTab = await OpenShopAsync();
        await otherTab.ExpectShoppingAsAsync(user);

        await shop.SignOutAsync();

        // By itself (the tab rechecks its session every few seconds), without a click or a reload.
        await Expect(otherTab.SignInHeading).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(otherTab.CurrentUser).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_beside_the_form_and_signs_nobody_in()
    {
        var user = system.NewUserId();
        await system.App.Shoppers.RegisterAsync(user);
        var shop = await OpenShopAsync();

        await shop.SubmitSignInAsync(user, "Wrong-password-1");

        var error = shop.Page.Locator("form").Locator("#form-error");
        await Expect(error).ToHaveTextAsync(NotBlank());
        await shop.ScreenshotAsync("8-wrong-password");
        await Expect(shop.SignInHeading).ToBeVisibleAsync();
        await Expect(shop.CurrentUser).ToHaveCountAsync(0);
        Assert.Equal("", await shop.Page.GetByLabel("Password").InputValueAsync()); // not sent back into the page
        Assert.DoesNotContain(await _context!.CookiesAsync(), c => c.Name == ShopperCookie);

        // An unknown name reads the same, so the form does not tell which names exist.
        var wrongPassword = await error.InnerTextAsync();
        await shop.SubmitSignInAsync(system.NewUserId(), ShopPage.Password);
        await Expect(error).ToHaveTextAsync(wrongPassword);

        // Two failures are far from the lockout: the right password still signs in.
        await shop.SignInAsync(user);
    }

    [Fact]
    public async Task Bad_input_shows_a_readable_message_next_to_the_field_and_changes_nothing()
    {
        var shop = await OpenShopAsync();
        await shop.SubmitSignUpAsync("not a valid name!", ShopPage.Password);
        await Expect(shop.FieldError("user-name")).ToHaveTextAsync(NotBlank());
        await shop.SubmitSignUpAsync(system.NewUserId(), "short");
        await Expect(shop.FieldError("password")).ToHaveTextAsync(NotBlank());
        await Expect(shop.FormError).ToContainTextAsync("8");
        await shop.ScreenshotAsync("4-bad-sign-up");

        var user = system.NewUserId();
        await shop.SignUpAsync(user);
        await shop.CreateAccountAsync();
        await shop.TopUpAsync("-5");
        await Expect(shop.FieldError("topup-amount")).ToHaveTextAsync("The amount must be greater than 0.");
        await shop.TopUpAsync("1.234");
        await Expect(shop.FieldError("topup-amount")).ToHaveTextAsync("The amount must have at most 2 decimal places.");
        await shop.TopUpAsync("ten");
        await Expect(shop.FieldError("topup-amount")).ToContainTextAsync("Enter a number");

        await shop.Page.GetByLabel("Amount").FillAsync("10");
        await shop.Page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        await Expect(shop.FieldError("order-description")).ToHaveTextAsync("Describe what you are ordering.");
        await shop.ScreenshotAsync("5-bad-input");

        Assert.Equal(0m, (await _api.GetBalanceAsync(user)).Balance);
        Assert.Empty(await _api.ListOrdersAsync(user));
        await Expect(shop.Orders).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_problem_from_the_api_is_shown_as_its_message()
    {
        var shop = await OpenShopAsync();
        var user = system.NewUserId();
        await shop.SignUpAsync(user);
        await Expect(shop.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" })).ToBeVisibleAsync();

        await _api.CreateAccountAsync(user); // someone else was quicker: the API answers 409
        await shop.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Expect(shop.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already", new() { Timeout = 20_000 });
        await Expect(shop.Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task With_several_orders_replicas_the_page_sees_every_status_change()
    {
        Assert.True(GozonAppFixture.OrdersReplicas >= 2, "this test needs several Orders replicas");
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 1000); // registers and signs in the shopper the page signs in below
        var shop = await OpenShopAsync();
        await shop.SignInAsync(user);

        // Placed elsewhere (the API), paid by whichever Payments replica, applied by whichever Orders replica:
        // the page is connected to one of them and must still see all.
        var placed = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => _api.PlaceOrderAsync(user, 10, $"burst order {i}")));

        foreach (var order in placed)
        {
            await Expect(shop.OrderStatus(order.Id)).ToHaveTextAsync("Finished", ShopPage.Live);
        }

        await Expect(shop.Balance).ToHaveTextAsync("880.00", ShopPage.Live);
    }

    [Fact]
    public async Task The_shop_fits_a_phone_screen()
    {
        var phone = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        try
        {
            var shop = new ShopPage(await phone.NewPageAsync());
            await shop.OpenAsync(system.Web);
            await AssertFitsAsync(shop, "the sign-in page");
            await shop.SignUpAsync(system.NewUserId());
            await shop.CreateAccountAsync();
            await shop.TopUpAsync("50");
            await Expect(shop.Balance).ToHaveTextAsync("50.00");
            var order = await shop.PlaceOrderAsync("12.50", "a phone case with a rather long description that must wrap");
            await Expect(shop.OrderStatus(order)).ToHaveTextAsync("Finished", ShopPage.Live);
            await shop.ScreenshotAsync("9-phone");
            await AssertFitsAsync(shop, "the shop");
        }
        finally
        {
            await phone.CloseAsync();
        }
    }

    private static async Task AssertFitsAsync(ShopPage shop, string what)
    {
        var overflow = await shop.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{what} is {overflow}px wider than the phone's screen");
    }

    private Task<IBrowserContext> NewContextAsync() =>
        chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });

    private async Task<ShopPage> OpenShopAsync()
    {
        var shop = new ShopPage(await _context!.NewPageAsync());
        await shop.OpenAsync(system.Web);
        return shop;
    }

    [GeneratedRegex(@"\S")]
    private static partial Regex NotBlank();
}
