using Microsoft.JSInterop;

namespace Gozon.Web.Shopping;

/// <summary>
/// The browser's side of a tab: its time zone, so times show as the shopper's clock does. (Who the shopper is
/// comes from the sign-in cookie, never from the browser's storage.)
/// </summary>
public sealed class ShopperStorage(IJSRuntime js)
{
    public async Task<TimeSpan> GetUtcOffsetAsync()
    {
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/browser.js");
        return TimeSpan.FromMinutes(await module.InvokeAsync<int>("utcOffsetMinutes"));
    }
}
