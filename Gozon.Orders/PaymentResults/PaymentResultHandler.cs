using Gozon.Messaging;
using Gozon.Messaging.Contracts;
using Gozon.Orders.Data;
using Gozon.Orders.LiveStatus;
using Gozon.Orders.Orders;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Orders.PaymentResults;

/// <summary>
/// Applies a payment outcome to its order. The update only matches an order still <c>New</c>, so a
/// redelivered or duplicated result changes nothing: one status change per order, whatever arrives twice.
/// </summary>
public sealed partial class PaymentResultHandler(
    OrdersDbContext db,
    OrderChangeNotifier changes,
    TimeProvider timeProvider,
    ILogger<PaymentResultHandler> logger) : IMessageHandler<PaymentSucceeded>, IMessageHandler<PaymentFailed>
{
    public Task HandleAsync(PaymentSucceeded message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(message.OrderId, failure: null, cancellationToken);

    public Task HandleAsync(PaymentFailed message, IncomingMessage envelope, CancellationToken cancellationToken) =>
        ApplyAsync(message.OrderId, message.Reason, cancellationToken);

    private async Task ApplyAsync(Guid orderId, PaymentFailureReason? failure, CancellationToken cancellationToken)
    {
        var status = Order.StatusAfter(failure);
        var now = timeProvider.GetUtcNow();
        var changed = await db.Orders
            .Where(o => o.Id == orderId && o.Status == OrderStatus.New)
            .ExecuteUpdateAsync(order => order
                .SetProperty(o => o.Status, status)
                .SetProperty(o => o.FailureReason, failure)
                .SetProperty(o => o.UpdatedAt, now), cancellationToken);
        if (changed == 1)
        {
            changes.Changed(orderId);
            LogApplied(orderId, status, failure);
            return;
        }

        var current = await db.Orders.AsNoTracking()
            .Where(o => o.Id == orderId)
            .Select(o => (OrderStatus?)o.Status)
            .FirstOrDefaultAsync(cancellationToken);
        if (current is null)
        {
            throw new PoisonMessageException($"order {orderId} does not exist");
        }

        LogAlreadyFinal(orderId, current.Value, status);
    }

    // Debug: one line per order is the hot path; the trace and the order itself carry the same facts.
    [LoggerMessage(LogLevel.Debug, "Order {OrderId} is now {Status} ({FailureReason})")]
    private partial void LogApplied(Guid orderId, OrderStatus status, PaymentFailureReason? failureReason);

    [LoggerMessage(LogLevel.Information, "Order {OrderId} is already {Current}; ignoring duplicate result {Result}")]
    private partial void LogAlreadyFinal(Guid orderId, OrderStatus current, OrderStatus result);
}
