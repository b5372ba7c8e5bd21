using Gozon.Web.Gateway;
using Gozon.Web.Identity;
using Microsoft.AspNetCore.Components.Authorization;

namespace Gozon.Web.Shopping;

/// <summary>
/// What one browser tab knows: the signed-in shopper, their account and their orders, kept current by the live
/// feed. Components render from it and re-render on <see cref="Changed"/> (raised from any thread).
/// A tab serves one shopper for its whole life: signing in, up or out is a full page load, and so a new circuit.
/// </summary>
public sealed partial class ShopperSession : IAsyncDisposable
{
    private readonly GatewayClient _api;
    private readonly OrderFeed _feed;
    private readonly ShopperStorage _storage;
    private readonly ShopperTokens _tokens;
    private readonly AuthenticationStateProvider _authentication;
    private readonly Toasts _toasts;
    private readonly ILogger<ShopperSession> _logger;
    private readonly Lock _gate = new();
    private Dictionary<Guid, Order> _orders = [];
    private int _ended;

    public ShopperSession(
        GatewayClient api, OrderFeed feed, ShopperStorage storage, ShopperTokens tokens,
        AuthenticationStateProvider authentication, Toasts toasts, ILogger<ShopperSession> logger)
    {
        (_api, _feed, _storage, _tokens, _authentication, _toasts, _logger) = (api, feed, storage, tokens, authentication, toasts, logger);
        _feed.OrderChanged += OnOrderChangedAsync;
        _feed.Subscribed += OnSubscribedAsync;
        _feed.StateChanged += NotifyChanged;
    }

    public event Action? Changed;

    /// <summary>The gateway no longer takes this shopper's tokens (refresh refused, session gone): sign in again.</summary>
    public event Action? Ended;

    public bool IsStarted { get; private set; }

    /// <summary>Null on the pages that need nobody signed in (not found).</summary>
    public Shopper? Shopper { get; private set; }

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

    /// <summary>Once per tab, after its first render (the time zone needs the browser): the shopper's data and feed.</summary>
    public async Task StartAsync()
    {
        if (IsStarted)
        {
            return;
        }

        UtcOffset = await _storage.GetUtcOffsetAsync();
        // The circuit's user is the cookie's at the time the tab connected.
        var state = await _authentication.GetAuthenticationStateAsync();
        Shopper = Identity.Shopper.From(state.User);
        IsStarted = true;
        if (Shopper is { } shopper)
        {
            await LoadAsync(shopper);
        }

        NotifyChanged();
    }

    public async Task<ApiProblem?> CreateAccountAsync()
    {
        var result = Check(await _api.CreateAccountAsync(RequireShopper(), CancellationToken.None));
        if (result.Problem?.Status == StatusCodes.Status409Conflict)
        {
            await RefreshAccountAsync(); // it exists after all (another tab, a retry): show it with the message
        }

        return ApplyChange(result);
    }

    public async Task<ApiProblem?> TopUpAsync(decimal amount, string idempotencyKey)
    {
        return ApplyChange(Check(await _api.TopUpAsync(RequireShopper(), amount, idempotencyKey, CancellationToken.None)));
    }

    public async Task<ApiResult<Order>> PlaceOrderAsync(decimal amount, string description, string idempotencyKey)
    {
        var result = Check(await _api.PlaceOrderAsync(RequireShopper(), amount, description, idempotencyKey, CancellationToken.None));
        if (result.Value is { } order)
        {
            Remember(order);
        }

        return result;
    }

    /// <summary>One order: from the API, so a link to an order works before the feed has delivered it.</summary>
    public async Task<ApiResult<Order>> LoadOrderAsync(Guid orderId)
    {
        var result = Check(await _api.GetOrderAsync(RequireShopper(), orderId, CancellationToken.None));
        if (result.Value is { } order)
        {
            Remember(order);
        }

        return result;
    }

    public async Task RefreshAccountAsync()
    {
        if (Shopper is { } shopper)
        {
            ApplyAccount(Check(await _api.GetAccountAsync(shopper, CancellationToken.None)));
        }
    }

    public async ValueTask DisposeAsync()
    {
        _feed.OrderChanged -= OnOrderChangedAsync;
        _feed.Subscribed -= OnSubscribedAsync;
        _feed.StateChanged -= NotifyChanged;
        await _feed.DisposeAsync();
    }

    private async Task LoadAsync(Shopper shopper)
    {
        await _feed.FollowAsync(shopper.UserName, () => FeedAccessTokenAsync(shopper));
        // The REST list shows the orders at once, even while the live feed is still connecting.
        var orders = Check(await _api.ListOrdersAsync(shopper, CancellationToken.None));
        foreach (var order in orders.Value ?? [])
        {
            Remember(order);
        }

        await RefreshAccountAsync();
    }

    private async Task<string?> FeedAccessTokenAsync(Shopper shopper)
    {
        var token = await _tokens.GetAccessTokenAsync(shopper.SessionId, CancellationToken.None);
        Check(token.Problem);
        return token.Value;
    }

    /// <summary>Every answer passes here: the first one that says the session is over tells the page, once.</summary>
    private ApiResult<T> Check<T>(ApiResult<T> result)
    {
        Check(result.Problem);
        return result;
    }

    private void Check(ApiProblem? problem)
    {
        if (problem?.IsSignedOut == true && Interlocked.Exchange(ref _ended, 1) == 0)
        {
            LogEnded(Shopper?.UserName);
            Ended?.Invoke();
        }
    }

    /// <summary>The answer to a change: the account it returns, or the problem for the form to show.</summary>
    private ApiProblem? ApplyChange(ApiResult<Account> result)
    {
        if (result.Value is { } account)
        {
            (Account, AccountProblem) = (account, null);
            NotifyChanged();
        }

        return result.Problem;
    }

    private void ApplyAccount(ApiResult<Account> result)
    {
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
            before = _orders.GetValueOrDefault(order.Id);
            if (before is null || !before.IsFinal)
            {
                _orders = new Dictionary<Guid, Order>(_orders) { [order.Id] = order };
            }
        }

        NotifyChanged();
        return before;
    }

    private Shopper RequireShopper() => Shopper ?? throw new InvalidOperationException("Nobody is signed in on this page.");

    private void NotifyChanged() => Changed?.Invoke();

    [LoggerMessage(LogLevel.Information, "Order {OrderId} is {Status} on screen")]
    private partial void LogOrderFinal(Guid orderId, string status);

    [LoggerMessage(LogLevel.Information, "The session of {UserName} is over; sending the page to sign in")]
    private partial void LogEnded(string? userName);
}
