using Gozon.Messaging.Contracts;

namespace Gozon.Orders.Orders;

public sealed record OrderResponse(
    Guid Id,
    string UserId,
    decimal Amount,
    string Description,
    OrderStatus Status,
    PaymentFailureReason? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static OrderResponse From(Order order) => new(
        order.Id, order.UserId, order.Amount, order.Description, order.Status, order.FailureReason,
        order.CreatedAt, order.UpdatedAt);
}
