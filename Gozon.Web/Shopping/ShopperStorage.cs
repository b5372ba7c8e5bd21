using Microsoft.JSInterop;

namespace Gozon.Web.Shopping;

/// <summary>
/// The browser's side of a tab: the chosen user id, kept in localStorage so a reload keeps the shopper, and the
/// browser's time zone, so times show as the shopper's clock does.
/// </summary>
public sealed class ShopperStorage(IJSRuntime js)
{
    private const string Key = "gozon.userId";

    public ValueTask<string?> GetUserIdAsync() => js.InvokeAsync<string?>("localStorage.getItem", Key);

    public ValueTask SetUserIdAsync(string userId) => js.InvokeVoidAsync("localStorage.setItem", Key, userId);

    public ValueTask ClearAsync() => js.InvokeVoidAsync("localStorage.removeItem", Key);

    public async Task<TimeSpan> GetUtcOffsetAsync()
    {
        await using var module = await js.InvokeAsync<IJSObjectReference>("import", "./js/browser.js");
        return TimeSpan.FromMinutes(await module.InvokeAsync<int>("utcOffsetMinutes"));
    }
}
