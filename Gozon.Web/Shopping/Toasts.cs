namespace Gozon.Web.Shopping;

public enum ToastKind
{
    Success,
    Warning,
    Error,
}

public sealed record Toast(Guid Id, ToastKind Kind, string Text);

/// <summary>Short notifications for one browser tab; each disappears by itself after <see cref="Lifetime"/>.</summary>
public sealed class Toasts(TimeProvider timeProvider) : IDisposable
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(8);

    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, ITimer> _timers = [];
    private List<Toast> _shown = [];

    public event Action? Changed;

    public IReadOnlyList<Toast> Shown => _shown;

    public void Show(ToastKind kind, string text)
    {
        var toast = new Toast(Guid.NewGuid(), kind, text);
        lock (_gate)
        {
            _shown = [.. _shown, toast];
            _timers[toast.Id] = timeProvider.CreateTimer(_ => Dismiss(toast.Id), null, Lifetime, Timeout.InfiniteTimeSpan);
        }

        Changed?.Invoke();
    }

    public void Dismiss(Guid id)
    {
        lock (_gate)
        {
            _shown = _shown.Where(t => t.Id != id).ToList();
            if (_timers.Remove(id, out var timer))
            {
                timer.Dispose();
            }
        }

        Changed?.Invoke();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            foreach (var timer in _timers.Values)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }
    }
}
