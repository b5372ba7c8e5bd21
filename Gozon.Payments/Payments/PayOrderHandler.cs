using Gozon.Messaging;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Inbox;
using Gozon.Messaging.Outbox;
using Gozon.Payments.Data;
using Gozon.ServiceDefaults.Api;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Payments.Payments;

/// <summary>
/// Pays an order: in one transaction, record the message in the inbox, claim the order's single payment
/// row, debit with one conditional update (never below zero, no lost update), and write the outcome to
/// the outbox. A duplicate (same message id, or another message for the same order) changes nothing.
/// </summary>
public sealed partial class PayOrderHandler(
    PaymentsDbContext db,
    TimeProvider timeProvider,
    ILogger<PayOrderHandler> logger) : IMessageHandler<PayOrder>
{
    public async Task HandleAsync(PayOrder message, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        if (Money.Validate(message.Amount) is not null || !UserId.TryParse(message.UserId, out _))
        {
            throw new PoisonMessageException($"PayOrder for order {message.OrderId} is invalid: user '{message.UserId}', amount {message.Amount}");
        }

        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (!await db.TryAcceptAsync(envelope, now, cancellationToken))
        {
            LogDuplicateMessage(envelope.MessageId, message.OrderId);
            return;
        }

        // The unique order_id makes this the lock: a concurrent PayOrder for the same order waits here
        // and then finds the row taken.
        var claimed = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO payment_transactions (id, order_id, user_id, amount, status, message_id, created_at)
            VALUES ({Guid.CreateVersion7(now)}, {message.OrderId}, {message.UserId}, {message.Amount},
                    {nameof(PaymentStatus.Pending)}, {envelope.MessageId}, {now})
            ON CONFLICT (order_id) DO NOTHING
            """, cancellationToken);
        if (claimed == 0)
        {
            await transaction.CommitAsync(cancellationToken);
            LogOrderAlreadyPaid(message.OrderId, envelope.MessageId);
            return;
        }

        var failure = await DebitAsync(message, now, cancellationToken);
        await db.PaymentTransactions
            .Where(p => p.OrderId == message.OrderId)
            .ExecuteUpdateAsync(p => p
                .SetProperty(x => x.Status, failure is null ? PaymentStatus.Succeeded : PaymentStatus.Failed)
                .SetProperty(x => x.FailureReason, failure), cancellationToken);
        db.EnqueueMessage(failure is null
            ? new PaymentSucceeded(message.OrderId)
            : new PaymentFailed(message.OrderId, failure.Value), now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogPaid(message.OrderId, message.UserId, message.Amount, failure);
    }

    private async Task<PaymentFailureReason?> DebitAsync(PayOrder message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var debited = await db.Accounts
            .Where(a => a.UserId == message.UserId && a.Balance >= message.Amount)
            .ExecuteUpdateAsync(a => a
                .SetProperty(x => x.Balance, x => x.Balance - message.Amount)
                .SetProperty(x => x.UpdatedAt, now), cancellationToken);
        if (debited == 1)
        {
            return null;
        }

        return await db.Accounts.AnyAsync(a => a.UserId == message.UserId, cancellationToken)
            ? PaymentFailureReason.InsufficientFunds
            : PaymentFailureReason.AccountNotFound;
    }

    [LoggerMessage(LogLevel.Information, "Message {MessageId} for order {OrderId} was already handled; skipping")]
    private partial void LogDuplicateMessage(Guid messageId, Guid orderId);

    [LoggerMessage(LogLevel.Warning, "Order {OrderId} already has a payment; ignoring PayOrder {MessageId}")]
    private partial void LogOrderAlreadyPaid(Guid orderId, Guid messageId);

    // Debug: one line per payment is the hot path; payment_transactions and the trace keep the record.
    [LoggerMessage(LogLevel.Debug, "Payment of order {OrderId} by {UserId} for {Amount}: {FailureReason}")]
    private partial void LogPaid(Guid orderId, string userId, decimal amount, PaymentFailureReason? failureReason);
}
