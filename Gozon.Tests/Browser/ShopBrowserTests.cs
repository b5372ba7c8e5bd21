using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.Playwright;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace Gozon.Tests.Browser;

/// <summary>The web front end in real Chromium, against the whole system; the browser only ever talks to Gozon.Web.</summary>
[Collection(GozonSystemCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ShopBrowserTests(GozonAppFixture system, ChromiumFixture chromium, ITestOutputHelper output) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly GozonApi _api = new(system.Gateway);
    private IBrowserContext? _context;

    public async Task InitializeAsync() => _context = await chromium.Browser.NewContextAsync(new() { ViewportSize = new() { Width = 1280, Height = 900 } });

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
        await shop.ScreenshotAsync("1-pick-user");
        var user = system.NewUserId();
        await shop.SignInAsync(user);
        await shop.CreateAccountAsync();
        await shop.TopUpAsync("100");
        await Expect(shop.Balance).ToHaveTextAsync("100.00");

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
    public async Task The_shopper_is_remembered_across_reloads_and_switching_users_is_one_click()
    {
        var shop = await OpenShopAsync();
        var first = system.NewUserId();
        await shop.SignInAsync(first);

        await shop.Page.ReloadAsync();
        await Expect(shop.CurrentUser).ToHaveTextAsync(first, ShopPage.Live);

        var second = system.NewUserId();
        await shop.SwitchUserAsync(second);
        await Expect(shop.CurrentUser).ToHaveTextAsync(second);
    }

    [Fact]
    public async Task Bad_input_shows_a_readable_message_next_to_the_field_and_changes_nothing()
    {
        var shop = await OpenShopAsync();
        await shop.Page.GetByLabel("User id").FillAsync("not a valid id!");
        await shop.Page.GetByRole(AriaRole.Button, new() { Name = "Start shopping" }).ClickAsync();
        await Expect(shop.FieldError("user-id")).ToContainTextAsync("letters, digits");

        var user = system.NewUserId();
        await shop.SignInAsync(user);
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
        await shop.ScreenshotAsync("4-bad-input");

        Assert.Equal(0m, (await _api.GetBalanceAsync(user)).Balance);
        Assert.Empty(await _api.ListOrdersAsync(user));
        await Expect(shop.Orders).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_problem_from_the_api_is_shown_as_its_message()
    {
        var shop = await OpenShopAsync();
        var user = system.NewUserId();
        await shop.SignInAsync(user);
        await Expect(shop.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" })).ToBeVisibleAsync();

        await _api.CreateAccountAsync(user); // someone else was quicker: the API answers 409
        await shop.Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await Expect(shop.Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("already", new() { Timeout = 20_000 });
        await Expect(shop.Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_second_user_does_not_see_the_first_users_orders()
    {
        var shop = await OpenShopAsync();
        var first = system.NewUserId();
        await shop.SignInAsync(first);
        var order = await shop.PlaceOrderAsync("5", "first user's secret gift");
        await Expect(shop.OrderStatus(order)).ToHaveTextAsync("Cancelled: no account", ShopPage.Live);

        await shop.SwitchUserAsync(system.NewUserId());

        await Expect(shop.Page.GetByText("No orders yet")).ToBeVisibleAsync();
        await Expect(shop.Orders).ToHaveCountAsync(0);
        await Expect(shop.Page.GetByText("first user's secret gift")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task With_several_orders_replicas_the_page_sees_every_status_change()
    {
        Assert.True(GozonAppFixture.OrdersReplicas >= 2, "this test needs several Orders replicas");
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 1000);
        var shop = await OpenShopAsync();
        await shop.SignInAsync(user);
        await Expect(shop.Page.Locator(".live-on")).ToBeVisibleAsync(new() { Timeout = 20_000 });

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
            var user = system.NewUserId();
            await _api.OpenAccountWithAsync(user, 50);
            await shop.SignInAsync(user);
            var order = await shop.PlaceOrderAsync("12.50", "a phone case with a rather long description that must wrap");
            await Expect(shop.OrderStatus(order)).ToHaveTextAsync("Finished", ShopPage.Live);
            await shop.ScreenshotAsync("5-phone");

            var overflow = await shop.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
            Assert.True(overflow <= 0, $"the page is {overflow}px wider than the phone's screen");
        }
        finally
        {
            await phone.CloseAsync();
        }
    }

    private async Task<ShopPage> OpenShopAsync()
    {
        var shop = new ShopPage(await _context!.NewPageAsync());
        await shop.OpenAsync(system.Web);
        return shop;
    }
}
