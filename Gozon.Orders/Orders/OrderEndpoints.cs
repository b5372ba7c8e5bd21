using Gozon.Orders.Data;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Orders.Orders;

public static class OrderEndpoints
{
    public const int DefaultPageSize = 100;
    public const int MaxPageSize = 1000;

    public static IEndpointRouteBuilder MapOrderEndpoints(this IEndpointRouteBuilder app)
    {
        var orders = app.MapGroup("/api/orders").WithTags("Orders");
        orders.MapPost("/", CreateOrder.HandleAsync)
            .WithName("CreateOrder")
            .WithSummary("Place an order; it is paid asynchronously.");
        orders.MapGet("/{orderId:guid}", GetOrderAsync)
            .WithName("GetOrder")
            .WithSummary("One of the caller's orders.");
        orders.MapGet("/", ListOrdersAsync)
            .WithName("ListOrders")
            .WithSummary("The caller's orders, newest first.");
        return app;
    }

    /// <summary>Another user's order is answered exactly like a missing one, so ids reveal nothing.</summary>
    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> GetOrderAsync(
        Guid orderId, UserId user, OrdersDbContext db, CancellationToken cancellationToken)
    {
        var order = await db.Orders.AsNoTracking()
            .FirstOrDefaultAsync(o => o.Id == orderId && o.UserId == user.Value, cancellationToken);
        return order is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found.",
                detail: $"You have no order {orderId}.")
            : TypedResults.Ok(OrderResponse.From(order));
    }

    private static async Task<Results<Ok<List<OrderResponse>>, ValidationProblem>> ListOrdersAsync(
        UserId user, OrdersDbContext db, CancellationToken cancellationToken, int limit = DefaultPageSize)
    {
        if (limit is < 1 or > MaxPageSize)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["limit"] = [$"'limit' must be between 1 and {MaxPageSize}."],
            });
        }

        var orders = await db.Orders.AsNoTracking()
            .Where(o => o.UserId == user.Value)
            .OrderByDescending(o => o.CreatedAt).ThenByDescending(o => o.Id)
            .Take(limit)
            .Select(o => OrderResponse.From(o))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(orders);
    }
}
