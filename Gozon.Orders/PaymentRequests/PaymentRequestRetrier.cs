using Gozon.Messaging;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Outbox;
using Gozon.Orders.Data;
using Gozon.Orders.Orders;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gozon.Orders.PaymentRequests;

/// <summary>
/// Every order ends. A <c>New</c> order whose result has not come by its <c>next_payment_request_at</c> gets its
/// <c>PayOrder</c> again, through the outbox, with a new message id; the wait then doubles up to a maximum. Whatever was
/// lost (a purged queue, a dead-lettered <c>PayOrder</c> or result, a broker that lost its disk), Payments pays at most once
/// per order and answers a repeated request with the result it recorded, so the order still becomes final.
/// Replicas share the work: each claims due rows with <c>FOR UPDATE SKIP LOCKED</c>.
/// </summary>
public sealed partial class PaymentRequestRetrier(
    IServiceScopeFactory scopeFactory,
    IOptions<PaymentRequestOptions> options,
    TimeProvider timeProvider,
    ILogger<PaymentRequestRetrier> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(settings.CheckInterval, timeProvider);
        var failures = 0;
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                // A full batch means more may be due: go on at once instead of waiting for the next tick.
                while (await RequestDuePaymentsAsync(settings, stoppingToken) == settings.BatchSize)
                {
                }

                failures = 0;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                // The database is down or restarting: the rows stay due, and the next tick tries again.
                var delay = Backoff.Delay(failures++, TimeSpan.FromSeconds(30));
                LogCheckFailed(exception, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
        }
    }

    /// <returns>How many orders were asked about again.</returns>
    public async Task<int> RequestDuePaymentsAsync(PaymentRequestOptions settings, CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<OrdersDbContext>();
        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var due = await db.Orders
            .FromSql($"""
                SELECT * FROM orders
                WHERE status = {nameof(OrderStatus.New)} AND next_payment_request_at <= {now}
                ORDER BY next_payment_request_at
                LIMIT {settings.BatchSize}
                FOR UPDATE SKIP LOCKED
                """)
            .ToListAsync(cancellationToken);
        foreach (var order in due)
        {
            order.PaymentRequested(now, settings.DelayAfter(order.PaymentRequests));
            db.EnqueueMessage(new PayOrder(order.Id, order.UserId, order.Amount), now);
            LogRequestedAgain(order.Id, order.PaymentRequests, now - order.CreatedAt);
        }

        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return due.Count;
    }

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} has no payment result after {Age}: sent PayOrder again (request {Requests})")]
    private partial void LogRequestedAgain(Guid orderId, int requests, TimeSpan age);

    [LoggerMessage(LogLevel.Warning, "Looking for orders due for another payment request failed; retrying in {Delay}")]
    private partial void LogCheckFailed(Exception exception, TimeSpan delay);
}
