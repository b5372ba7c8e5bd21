using Gozon.ServiceDefaults.Api;
using Gozon.Web.Gateway;

namespace Gozon.Web.Shopping;

/// <summary>
/// What one browser tab knows: the shopper, their account and their orders, kept current by the live feed.
/// Components render from it and re-render on <see cref="Changed"/> (raised from any thread).
/// </summary>
public sealed partial class ShopperSession : IAsyncDisposable
{
    private readonly GatewayClient _api;
    private readonly OrderFeed _feed;
    private readonly ShopperStorage _storage;
    private readonly Toasts _toasts;
    private readonly ILogger<ShopperSession> _logger;
    private readonly Lock _gate = new();
    private Dictionary<Guid, Order> _orders = [];

    public ShopperSession(GatewayClient api, OrderFeed feed, ShopperStorage storage, Toasts toasts, ILogger<ShopperSession> logger)
    {
        (_api, _feed, _storage, _toasts, _logger) = (api, feed, storage, toasts, logger);
        _feed.OrderChanged += OnOrderChangedAsync;
        _feed.Subscribed += OnSubscribedAsync;
        _feed.StateChanged += NotifyChanged;
    }

    public event Action? Changed;

    public bool IsRestored { get; private set; }

    public string? UserId { get; private set; }

    /// <summary>The browser's offset from UTC, for showing times.</summary>
    public TimeSpan UtcOffset { get; private set; }

    public string LocalTime(DateTimeOffset time) => time.ToOffset(UtcOffset).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    public Account? Account { get; private set; }

    /// <summary>Why the account could not be shown; a 404 means the user has no account yet.</summary>
    public ApiProblem? AccountProblem { get; private set; }

    public bool HasNoAccount => AccountProblem?.IsNotFound == true;

    public bool IsLive => _feed.IsLive;

    /// <summary>Newest first.</summary>
    public IReadOnlyList<Order> Orders
    {
        get
        {
            lock (_gate)
            {
                return _orders.Values.OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id).ToList();
            }
        }
    }

    public Order? FindOrder(Guid orderId)
    {
        lock (_gate)
        {
            return _orders.GetValueOrDefault(orderId);
        }
    }

    /// <summary>Picks up the shopper this browser used last, once per tab.</summary>
    public async Task RestoreAsync()
    {
        if (IsRestored)
        {
            return;
        }

        var remembered = await _storage.GetUserIdAsync();
        UtcOffset = await _storage.GetUtcOffsetAsync();
        IsRestored = true;
        if (remembered is not null && Gozon.ServiceDefaults.Api.UserId.TryParse(remembered, out _))
        {
            await StartAsync(remembered);
        }

        NotifyChanged();
    }

    /// <summary>Switches to <paramref name="candidate"/>; returns why it is not a valid user id, or null.</summary>
    public async Task<string?> SignInAsync(string? candidate)
    {
        var userId = candidate?.Trim();
        if (!Gozon.ServiceDefaults.Api.UserId.TryParse(userId, out _))
        {
            return $"A user id is 1-{Gozon.ServiceDefaults.Api.UserId.MaxLength} letters, digits, '-', '_' or '.'.";
        }

        await _storage.SetUserIdAsync(userId!);
        await StartAsync(userId!);
        NotifyChanged();
        return null;
    }

    public async Task SignOutAsync()
    {
        await _storage.ClearAsync();
        await _feed.StopAsync();
        UserId = null;
        Account = null;
        AccountProblem = null;
        ReplaceOrders([]);
    }

    public async Task<ApiProblem?> CreateAccountAsync()
    {
        var result = await _api.CreateAccountAsync(RequireUser(), CancellationToken.None);
        if (result.Problem?.Status == StatusCodes.Status409Conflict)
        {
            await RefreshAccountAsync(); // it exists after all (another tab, a retry): show it with the message
        }

        return ApplyChange(result);
    }

    public async Task<ApiProblem?> TopUpAsync(decimal amount, string idempotencyKey)
    {
        return ApplyChange(await _api.TopUpAsync(RequireUser(), amount, idempotencyKey, CancellationToken.None));
    }

    public async Task<ApiResult<Order>> PlaceOrderAsync(decimal amount, string description, string idempotencyKey)
    {
        var result = await _api.PlaceOrderAsync(RequireUser(), amount, description, idempotencyKey, CancellationToken.None);
        if (result.Value is { } order)
        {
            Remember(order);
        }

        return result;
    }

    /// <summary>One order: from the API, so a link to an order works before the feed has delivered it.</summary>
    public async Task<ApiResult<Order>> LoadOrderAsync(Guid orderId)
    {
        var result = await _api.GetOrderAsync(RequireUser(), orderId, CancellationToken.None);
        if (result.Value is { } order)
        {
            Remember(order);
        }

        return result;
    }

    public async Task RefreshAccountAsync()
    {
        if (UserId is { } userId)
        {
            ApplyAccount(await _api.GetAccountAsync(userId, CancellationToken.None));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _feed.OrderChanged -= OnOrderChangedAsync;
        _feed.Subscribed -= OnSubscribedAsync;
        _feed.StateChanged -= NotifyChanged;
        await _feed.DisposeAsync();
    }

    private async Task StartAsync(string userId)
    {
        await _feed.StopAsync(); // the previous shopper's feed is not live for the new one, not even for a render
        UserId = userId;
        Account = null;
        AccountProblem = null;
        ReplaceOrders([]);
        await _feed.FollowAsync(userId);
        // The REST list shows the orders at once, even while the live feed is still connecting.
        var orders = await _api.ListOrdersAsync(userId, CancellationToken.None);
        foreach (var order in orders.Value ?? [])
        {
            Remember(order);
        }

        await RefreshAccountAsync();
    }

    /// <summary>The answer to a change: the account it returns, or the problem for the form to show.</summary>
    private ApiProblem? ApplyChange(ApiResult<Account> result)
    {
        if (result.Value is { } account && account.UserId == UserId)
        {
            (Account, AccountProblem) = (account, null);
            NotifyChanged();
        }

        return result.Problem;
    }

    private void ApplyAccount(ApiResult<Account> result)
    {
        if (result.Value is { } account && account.UserId != UserId)
        {
            return; // an answer for the previous shopper, who switched away meanwhile
        }

        if (result.Value is { } fresh)
        {
            (Account, AccountProblem) = (fresh, null);
        }
        else if (result.Problem!.IsNotFound || Account is null)
        {
            (Account, AccountProblem) = (null, result.Problem);
        }

        // Otherwise a passing failure: keep showing the last balance rather than an error.
        NotifyChanged();
    }

    private async Task OnOrderChangedAsync(Order order)
    {
        var before = Remember(order);
        if (order.IsFinal && before?.IsFinal != true)
        {
            _toasts.Show(
                order.Status == Order.Finished ? ToastKind.Success : ToastKind.Warning,
                order.Status == Order.Finished
                    ? $"Order #{order.ShortId} paid: {order.Amount:0.00}"
                    : $"Order #{order.ShortId} cancelled: {order.FailureText}");
            LogOrderFinal(order.Id, order.Status);
            await RefreshAccountAsync();
        }
    }

    private Task OnSubscribedAsync(IReadOnlyList<Order> current)
    {
        foreach (var order in current)
        {
            Remember(order);
        }

        return RefreshAccountAsync();
    }

    /// <summary>Keeps the newest state of an order; a final status is never replaced by an older New.</summary>
    private Order? Remember(Order order)
    {
        Order? before;
        lock (_gate)
        {
            if (order.UserId != UserId)
            {
                return null;
            }

            before = _orders.GetValueOrDefault(order.Id);
            if (before is null || !before.IsFinal)
            {
                _orders = new Dictionary<Guid, Order>(_orders) { [order.Id] = order };
            }
        }

        NotifyChanged();
        return before;
    }

    private void ReplaceOrders(Dictionary<Guid, Order> orders)
    {
        lock (_gate)
        {
            _orders = orders;
        }

        NotifyChanged();
    }

    private string RequireUser() => UserId ?? throw new InvalidOperationException("Choose a user first.");

    private void NotifyChanged() => Changed?.Invoke();

    [LoggerMessage(LogLevel.Information, "Order {OrderId} is {Status} on screen")]
    private partial void LogOrderFinal(Guid orderId, string status);
}
