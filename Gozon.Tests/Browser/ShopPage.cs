using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Gozon.Tests.Browser;

/// <summary>The shop as a person uses it: labels, buttons and what the screen shows, nothing internal.</summary>
public sealed class ShopPage(IPage page)
{
    /// <summary>Long enough for a payment on a loaded 2-core CI machine; assertions return as soon as they hold.</summary>
    public static readonly LocatorAssertionsToHaveTextOptions Live = new() { Timeout = 20_000 };

    /// <summary>
    /// The harness's password (it meets the gateway's policy), so the tests' API calls can sign in the shoppers the
    /// browser signed up, and the browser the shoppers the API calls signed up.
    /// </summary>
    public const string Password = Gozon.Testing.SignedInShoppers.Password;

    private static readonly LocatorAssertionsToBeVisibleOptions Loaded = new() { Timeout = 20_000 };

    public IPage Page => page;

    public ILocator Balance => page.GetByTestId("balance");

    public ILocator Orders => page.Locator(".order-row");

    public ILocator Toasts => page.Locator(".toast");

    public ILocator CurrentUser => page.GetByTestId("current-user");

    public ILocator Order(Guid orderId) => page.Locator($".order-row[data-order-id='{orderId}']");

    public ILocator OrderStatus(Guid orderId) => Order(orderId).GetByTestId("status");

    public ILocator FieldError(string inputId) => page.Locator($"#{inputId}-error");

    /// <summary>The alert of the sign-in or sign-up form, for what belongs to no single field.</summary>
    public ILocator FormError => page.Locator("#form-error");

    public ILocator SignInHeading => page.GetByRole(AriaRole.Heading, new() { Name = "Sign in", Exact = true });

    /// <summary>Opens the shop: the shop itself when this browser is signed in, else the sign-in page it redirects to.</summary>
    public async Task OpenAsync(Uri web)
    {
        await page.GotoAsync(web.ToString());
        await Expect(SignInHeading.Or(CurrentUser)).ToBeVisibleAsync(Loaded);
    }

    /// <summary>From the sign-in page: creates the account, which signs the new shopper in and opens the shop.</summary>
    public async Task SignUpAsync(string userName, string password = Password)
    {
        await SubmitSignUpAsync(userName, password);
        await ExpectShoppingAsAsync(userName);
    }

    /// <summary>From the sign-in page (or the sign-up page itself): fills and sends the sign-up form, whatever comes of it.</summary>
    public async Task SubmitSignUpAsync(string userName, string password)
    {
        var heading = page.GetByRole(AriaRole.Heading, new() { Name = "Create an account" });
        if (!await heading.IsVisibleAsync())
        {
            await page.GetByRole(AriaRole.Link, new() { Name = "Create an account" }).ClickAsync();
        }

        await Expect(heading).ToBeVisibleAsync(Loaded);
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password", new() { Exact = true }).FillAsync(password);
        await page.GetByLabel("Confirm password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account and sign in" }).ClickAsync();
    }

    /// <summary>Fills and sends the sign-in form, whatever comes of it.</summary>
    public async Task SubmitSignInAsync(string userName, string password)
    {
        await Expect(SignInHeading).ToBeVisibleAsync(Loaded);
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    public async Task SignInAsync(string userName, string password = Password)
    {
        await SubmitSignInAsync(userName, password);
        await ExpectShoppingAsAsync(userName);
    }

    /// <summary>Signs out with the shopper bar's button; the browser lands on the sign-in page.</summary>
    public async Task SignOutAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(SignInHeading).ToBeVisibleAsync(Loaded);
        await Expect(CurrentUser).ToHaveCountAsync(0);
    }

    public async Task ExpectShoppingAsAsync(string userName)
    {
        await Expect(CurrentUser).ToHaveTextAsync(userName, Live);
        // Live means subscribed with the snapshot applied: nothing the page loads later can overtake the test.
        await Expect(page.Locator(".live-on")).ToBeVisibleAsync(Loaded);
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
