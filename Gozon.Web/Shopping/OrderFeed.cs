using System.Net;
using System.Net.Sockets;
using System.Text.Json.Serialization;
using Gozon.Web.Gateway;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.ServiceDiscovery;

namespace Gozon.Web.Shopping;

/// <summary>
/// One shopper's WebSocket to the live order status hub (<c>/hubs/orders</c> on the gateway). Subscribes to all
/// of the user's orders; after every (re)connect the hub answers with the current orders, so a change made
/// while the socket was down is never missed.
/// </summary>
public sealed partial class OrderFeed(ServiceEndpointResolver endpoints, TimeProvider timeProvider, ILogger<OrderFeed> logger) : IAsyncDisposable
{
    public const string HubPath = "hubs/orders";
    /// <summary>A shop page may stay open for hours: keep reconnecting, then every ten seconds.</summary>
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10)];

    private readonly CancellationTokenSource _stopping = new();
    private bool _disposed;
    private HubConnection? _connection;
    private HubConnection? _subscribed;

    /// <summary>A pushed change of one order.</summary>
    public event Func<Order, Task>? OrderChanged;

    /// <summary>The user's newest orders as they are now, after each (re)connect.</summary>
    public event Func<IReadOnlyList<Order>, Task>? Subscribed;

    /// <summary>The feed went live (subscribed, snapshot applied) or stopped being live.</summary>
    public event Action? StateChanged;

    /// <summary>Connected, subscribed, and the subscription's snapshot handled: from now on every change arrives.</summary>
    public bool IsLive => _subscribed is { State: HubConnectionState.Connected } live && live == _connection;

    /// <summary>
    /// Follows <paramref name="userName"/>'s orders from now on, connecting in the background until it works. Each
    /// (re)connect asks <paramref name="accessToken"/> afresh: a socket outlives the token it was opened with.
    /// </summary>
    public async Task FollowAsync(string userName, Func<Task<string?>> accessToken)
    {
        await StopAsync();
        var connection = new HubConnectionBuilder()
            .WithUrl(await ResolveHubUriAsync(_stopping.Token), options =>
            {
                // Straight to WebSockets: with several Orders replicas behind the gateway there is no negotiate
                // request that could land on another replica than the socket.
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
                // The gateway takes it as a bearer header (or SignalR's ?access_token=) and names the user itself.
                options.AccessTokenProvider = accessToken;
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect(new ForeverRetryPolicy())
            .Build();
        connection.On<Order>("OrderChanged", order => OrderChanged?.Invoke(order) ?? Task.CompletedTask);
        connection.Reconnecting += _ => NotLive();
        connection.Closed += _ => NotLive();
        connection.Reconnected += _ => SubscribeAsync(connection, userName);
        _connection = connection;
        _ = ConnectAsync(connection, userName, _stopping.Token);
    }

    public async Task StopAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
            StateChanged?.Invoke();
        }
    }

    public async ValueTask DisposeAsync()
    {
        // A status-code page re-executes the request in the same scope, which then disposes its services twice.
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stopping.CancelAsync();
        await StopAsync();
        _stopping.Dispose();
    }

    private async Task ConnectAsync(HubConnection connection, string userName, CancellationToken cancellationToken)
    {
        for (var attempt = 0; !cancellationToken.IsCancellationRequested && _connection == connection; attempt++)
        {
            try
            {
                await connection.StartAsync(cancellationToken);
                await SubscribeAsync(connection, userName);
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = RetryDelay(attempt + 1);
                LogConnectFailed(exception, userName, delay);
                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task SubscribeAsync(HubConnection connection, string userName)
    {
        var orders = await connection.InvokeAsync<List<Order>>("SubscribeToMyOrders", _stopping.Token);
        LogFollowing(userName, orders.Count);
        if (Subscribed is { } subscribed)
        {
            await subscribed(orders);
        }

        _subscribed = connection;
        StateChanged?.Invoke();
    }

    private Task NotLive()
    {
        _subscribed = null;
        StateChanged?.Invoke();
        return Task.CompletedTask;
    }

    /// <summary>The gateway's address from service discovery (the same name the REST client uses).</summary>
    private async Task<Uri> ResolveHubUriAsync(CancellationToken cancellationToken)
    {
        var source = await endpoints.GetEndpointsAsync(GatewayClient.ServiceUri, cancellationToken);
        var gateway = source.Endpoints.FirstOrDefault()?.EndPoint switch
        {
            UriEndPoint uri => uri.Uri,
            DnsEndPoint dns => new UriBuilder(Uri.UriSchemeHttp, dns.Host, dns.Port).Uri,
            IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip => new UriBuilder(Uri.UriSchemeHttp, $"[{ip.Address}]", ip.Port).Uri,
            IPEndPoint ip => new UriBuilder(Uri.UriSchemeHttp, ip.Address.ToString(), ip.Port).Uri,
            var other => throw new InvalidOperationException($"Service discovery gave no usable address for the gateway ({other})."),
        };
        return new Uri(gateway, HubPath);
    }

    private static TimeSpan RetryDelay(long attempt) => RetryDelays[(int)Math.Min(attempt, RetryDelays.Length - 1)];

    private sealed class ForeverRetryPolicy : IRetryPolicy
    {
        public TimeSpan? NextRetryDelay(RetryContext retryContext) => RetryDelay(retryContext.PreviousRetryCount);
    }

    [LoggerMessage(LogLevel.Information, "Following the orders of {UserName} live ({Count} orders now)")]
    private partial void LogFollowing(string userName, int count);

    [LoggerMessage(LogLevel.Warning, "Could not connect the live order status of {UserName}; retrying in {Delay}")]
    private partial void LogConnectFailed(Exception exception, string userName, TimeSpan delay);
}
