using Gozon.Web.Shopping;
using Microsoft.AspNetCore.Components;

namespace Gozon.Web.Components;

/// <summary>A component that shows the shopper's session and re-renders whenever it changes (feed, toasts, API).</summary>
public abstract class SessionComponent : ComponentBase, IDisposable
{
    [Inject]
    protected ShopperSession Session { get; set; } = default!;

    protected override void OnInitialized() => Session.Changed += OnSessionChanged;

    public void Dispose()
    {
        Session.Changed -= OnSessionChanged;
        GC.SuppressFinalize(this);
    }

    // Changes arrive on the feed's threads; rendering belongs to the circuit's.
    private void OnSessionChanged() => _ = InvokeAsync(StateHasChanged);
}
