using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gozon.Tests.Browser;

/// <summary>The shop as a person uses it: labels, buttons and what the screen shows, nothing internal.</summary>
public sealed class ShopPage(IPage page)
{
    /// <summary>Long enough for a payment on a loaded 2-core CI machine; assertions return as soon as they hold.</summary>
    public static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 20_000 };

    public IPage Page => page;

    public ILocator Balance => page.GetByTestId("balance");

    public ILocator Orders => page.Locator(".order-row");

    public ILocator Toasts => page.Locator(".toast");

    public ILocator CurrentUser => page.GetByTestId("current-user");

    public ILocator Order(Guid orderId) => page.Locator($".order-row[data-order-id='{orderId}']");

    public ILocator OrderStatus(Guid orderId) => Order(orderId).GetByTestId("status");

    public ILocator FieldError(string inputId) => page.Locator($"#{inputId}-error");

    public async Task OpenAsync(Uri web)
    {
        await page.GotoAsync(web.ToString());
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Who is shopping?" })
            .Or(CurrentUser)).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    public async Task SignInAsync(string userId)
    {
        await page.GetByLabel("User id").FillAsync(userId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Start shopping" }).ClickAsync();
        await Expect(CurrentUser).ToHaveTextAsync(userId);
        // Live means subscribed with the snapshot applied: nothing the page loads later can overtake the test.
        await Expect(page.Locator(".live-on")).ToBeVisibleAsync(new() { Timeout = 20_000 });
    }

    public async Task SwitchUserAsync(string userId)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Switch user" }).ClickAsync();
        await SignInAsync(userId);
    }

    public async Task CreateAccountAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(Balance).ToHaveTextAsync("0.00");
    }

    public async Task TopUpAsync(string amount)
    {
        await page.GetByLabel("Top up").FillAsync(amount);
        await page.GetByRole(AriaRole.Button, new() { Name = "Top up", Exact = true }).ClickAsync();
    }

    /// <summary>Places an order and returns its id, read from the new row.</summary>
    public async Task<Guid> PlaceOrderAsync(string amount, string description)
    {
        var before = await Orders.CountAsync();
        await page.GetByLabel("Amount").FillAsync(amount);
        await page.GetByLabel("Description").FillAsync(description);
        await page.GetByRole(AriaRole.Button, new() { Name = "Place order" }).ClickAsync();
        var row = Orders.Filter(new() { HasText = description });
        await Expect(row).ToHaveCountAsync(1);
        Assert.Equal(before + 1, await Orders.CountAsync());
        return Guid.Parse((await row.GetAttributeAsync("data-order-id"))!);
    }

    public Task ScreenshotAsync(string name) => page.ScreenshotAsync(new()
    {
        Path = Path.Combine(ChromiumFixture.ScreenshotDirectory, $"{name}.png"),
        FullPage = true,
    });
}
