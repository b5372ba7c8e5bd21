using Gozon.Orders.Data;
using Gozon.Orders.Orders;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Orders.LiveStatus;

/// <summary>What a subscriber receives: the whole order, every time it is created or changes status.</summary>
public interface IOrderStatusClient
{
    Task OrderChanged(OrderResponse order);
}

/// <summary>
/// Live order status over WebSockets. A client subscribes to one order or to all of its user's orders and
/// gets the current state back at once, so nothing is missed between placing an order and subscribing:
/// the group is joined before the state is read, and a change in between arrives twice, never zero times.
/// </summary>
public sealed class OrderStatusHub(OrdersDbContext db) : Hub<IOrderStatusClient>
{
    public const string Path = "/hubs/orders";
    public const int SnapshotSize = OrderEndpoints.DefaultPageSize;

    public static string UserGroup(string userId) => $"user:{userId}";

    public static string OrderGroup(Guid orderId) => $"order:{orderId}";

    /// <summary>Follow one order; returns it as it is now. Another user's order is answered as missing.</summary>
    public async Task<OrderResponse> SubscribeToOrder(Guid orderId)
    {
        var user = CurrentUser();
        await Groups.AddToGroupAsync(Context.ConnectionId, OrderGroup(orderId), Context.ConnectionAborted);
        var order = await db.Orders.AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == orderId && o.UserId == user.Value, Context.ConnectionAborted);
        if (order is null)
        {
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, OrderGroup(orderId), Context.ConnectionAborted);
            throw new HubException($"You have no order {orderId}.");
        }

        return OrderResponse.From(order);
    }

    public Task UnsubscribeFromOrder(Guid orderId) =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, OrderGroup(orderId), Context.ConnectionAborted);

    /// <summary>Follow every order of the caller, new ones included; returns the newest orders as they are now.</summary>
    public async Task<List<OrderResponse>> SubscribeToMyOrders()
    {
        var user = CurrentUser();
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(user.Value), Context.ConnectionAborted);
        return await db.Orders.AsNoTracking()
            .Where(o => o.UserId == user.Value)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Take(SnapshotSize)
            .Select(o => OrderResponse.From(o))
            .ToListAsync(Context.ConnectionAborted);
    }

    public Task UnsubscribeFromMyOrders() =>
        Groups.RemoveFromGroupAsync(Context.ConnectionId, UserGroup(CurrentUser().Value), Context.ConnectionAborted);

    /// <summary>Checked when the connection was negotiated (<see cref="LiveStatusExtensions"/>); read again here.</summary>
    private UserId CurrentUser() =>
        Context.GetHttpContext() is { } http && UserId.TryReadConnection(http.Request, out var user, out _)
            ? user!
            : throw new HubException($"Connect with the {UserId.HeaderName} header or the '{UserId.QueryName}' query parameter.");
}
