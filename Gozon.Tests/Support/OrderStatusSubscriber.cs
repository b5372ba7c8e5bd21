using Microsoft.AspNetCore.Http.Connections.Client;
using Gozon.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Gozon.Tests.Support;

/// <summary>
/// A .NET client of the live order status hub, connected through the gateway over WebSockets only, the way
/// the README tells any client to connect. Keeps the latest state of every order it heard about.
/// </summary>
public sealed class OrderStatusSubscriber : IAsyncDisposable
{
    public const string HubPath = "hubs/orders";
    private readonly HubConnection _connection;

    private OrderStatusSubscriber(HubConnection connection)
    {
        _connection = connection;
        _connection.On<OrderDto>("OrderChanged", order =>
        {
            FirstPushedAt.TryAdd(order.Id, Stopwatch.GetTimestamp());
            Pushed.Enqueue(order);
            Remember(order);
        });
    }

    /// <summary>Latest state per order, from snapshots and pushed changes.</summary>
    public ConcurrentDictionary<Guid, OrderDto> Orders { get; } = new();

    /// <summary>When the first push of each order arrived (<see cref="Stopwatch.GetTimestamp"/>), to measure push delays.</summary>
    public ConcurrentDictionary<Guid, long> FirstPushedAt { get; } = new();

    /// <summary>Every pushed change, in arrival order.</summary>
    public ConcurrentQueue<OrderDto> Pushed { get; } = new();

    /// <summary>Through the gateway, signed in as <paramref name="userId"/> (the .NET client sends the token in Authorization).</summary>
    public static Task<OrderStatusSubscriber> ConnectAsync(Uri gateway, string userId, SignedInShoppers shoppers, CancellationToken cancellationToken = default) =>
        ConnectAsync(gateway, options => options.AccessTokenProvider = async () => await shoppers.AccessTokenAsync(userId), cancellationToken);

    /// <summary>Straight to an Orders replica, as the gateway connects: with its key and the user's header.</summary>
    public static Task<OrderStatusSubscriber> ConnectToReplicaAsync(Uri replica, string userId, string gatewayKey, CancellationToken cancellationToken = default) =>
        ConnectAsync(replica, options =>
        {
            options.Headers[GozonApi.UserHeader] = userId;
            options.Headers[GozonApp.GatewayKeyHeader] = gatewayKey;
        }, cancellationToken);

    private static async Task<OrderStatusSubscriber> ConnectAsync(Uri endpoint, Action<HttpConnectionOptions> identify, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(endpoint, HubPath), options =>
            {
                // One request, straight to WebSockets: no negotiate round trip that a load balancer could send
                // to a different replica than the socket.
                options.SkipNegotiation = true;
                options.Transports = HttpTransportType.WebSockets;
                identify(options);
            })
            .AddJsonProtocol(options => options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .Build();
        var subscriber = new OrderStatusSubscriber(connection);
        await connection.StartAsync(cancellationToken);
        return subscriber;
    }

    public async Task<OrderDto> SubscribeToOrderAsync(Guid orderId)
    {
        var order = await _connection.InvokeAsync<OrderDto>("SubscribeToOrder", orderId);
        Remember(order);
        return order;
    }

    public async Task<List<OrderDto>> SubscribeToMyOrdersAsync()
    {
        var orders = await _connection.InvokeAsync<List<OrderDto>>("SubscribeToMyOrders");
        orders.ForEach(Remember);
        return orders;
    }

    /// <summary>Waits (no polling of the API) until every given order has a final status here.</summary>
    public Task<List<OrderDto>> WaitForFinalAsync(IReadOnlyCollection<Guid> orderIds, TimeSpan? timeout = null) =>
        Eventually.UntilAsync(
            () => Task.FromResult(orderIds.Select(id => Orders.GetValueOrDefault(id)).OfType<OrderDto>().ToList()),
            known => known.Count == orderIds.Count && known.All(o => o.IsFinal),
            $"{orderIds.Count} orders final at the subscriber",
            timeout);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private void Remember(OrderDto order)
    {
        // A final status never goes back to New, so a late copy of an older state must not overwrite it.
        Orders.AddOrUpdate(order.Id, order, (_, known) => known.IsFinal ? known : order);
    }
}
