using System.Diagnostics;
using Gozon.Messaging;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Outbox;
using Gozon.Payments.Data;
using Gozon.ServiceDefaults.Api;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Payments.Payments;

/// <summary>
/// Pays an order: in one transaction, record the message in the inbox, claim the order's single payment
/// row and debit with one conditional update (never below zero, no lost update), all in one statement, then
/// write the outcome to the outbox. A duplicate message id changes nothing; another request for an order already paid
/// debits nothing and is answered with the recorded result.
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
        // SaveChanges below runs inside this transaction; a savepoint around it would cost two more
        // statements and protect nothing, since any failure rolls the whole payment back.
        db.Database.AutoSavepointsEnabled = false;
        var payment = new PaymentTransaction
        {
            Id = Guid.CreateVersion7(now),
            OrderId = message.OrderId,
            UserId = message.UserId,
            Amount = message.Amount,
            Status = PaymentStatus.Pending,
            MessageId = envelope.MessageId,
            CreatedAt = now,
        };
        var outcome = await AcceptClaimAndDebitAsync(payment, envelope, cancellationToken);
        switch (outcome)
        {
            case PaymentOutcome.DuplicateMessage:
                LogDuplicateMessage(envelope.MessageId, message.OrderId);
                return;
            case PaymentOutcome.OrderAlreadyPaid:
                await AnswerAgainAsync(message, envelope, now, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return;
        }

        PaymentFailureReason? failure = outcome switch
        {
            PaymentOutcome.Debited => null,
            PaymentOutcome.InsufficientFunds => PaymentFailureReason.InsufficientFunds,
            PaymentOutcome.AccountNotFound => PaymentFailureReason.AccountNotFound,
            _ => throw new UnreachableException($"The payment statement returned {outcome}."),
        };

        // The outcome and the result message go in one batch: an update of the row claimed above and the outbox insert.
        db.PaymentTransactions.Attach(payment);
        var entry = db.Entry(payment);
        entry.Property(p => p.Status).CurrentValue = failure is null ? PaymentStatus.Succeeded : PaymentStatus.Failed;
        entry.Property(p => p.FailureReason).CurrentValue = failure;
        db.EnqueueMessage(failure is null
            ? new PaymentSucceeded(message.OrderId)
            : new PaymentFailed(message.OrderId, failure.Value), now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogPaid(message.OrderId, message.UserId, message.Amount, failure);
    }

    /// <summary>
    /// Orders asks again when no result reached it (a lost or dead-lettered message): send the result recorded with the
    /// order's one payment once more, in the same transaction that records this request in the inbox. Nothing is debited.
    /// </summary>
    private async Task AnswerAgainAsync(PayOrder message, IncomingMessage envelope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var recorded = await db.PaymentTransactions.AsNoTracking()
            .Where(p => p.OrderId == message.OrderId)
            .Select(p => new { p.Status, p.FailureReason })
            .SingleAsync(cancellationToken);
        IMessage result = recorded switch
        {
            { Status: PaymentStatus.Succeeded } => new PaymentSucceeded(message.OrderId),
            { Status: PaymentStatus.Failed, FailureReason: { } reason } => new PaymentFailed(message.OrderId, reason),
            _ => throw new UnreachableException($"The payment of order {message.OrderId} was committed as {recorded.Status}."),
        };
        db.EnqueueMessage(result, now);
        await db.SaveChangesAsync(cancellationToken);
        LogAnsweredAgain(message.OrderId, recorded.Status, envelope.MessageId);
    }

    /// <summary>The values the payment statement returns.</summary>
    private enum PaymentOutcome
    {
        DuplicateMessage = 0,
        OrderAlreadyPaid = 1,
        Debited = 2,
        InsufficientFunds = 3,
        AccountNotFound = 4,
    }

    /// <summary>
    /// One statement, one round trip: records the message id in the inbox; only if it is new, claims the order's
    /// single payment row; only if that claim is new, debits with one conditional update (never below zero: a
    /// concurrent debit of the same account waits for the row lock and re-checks the balance on the row it wrote).
    /// A concurrent duplicate waits on either unique key until the first commits. Data-modifying CTEs always run
    /// to completion, and each step reads the one before it through its RETURNING output.
    /// </summary>
    private async Task<PaymentOutcome> AcceptClaimAndDebitAsync(
        PaymentTransaction payment, IncomingMessage envelope, CancellationToken cancellationToken)
    {
        var outcome = await db.Database.SqlQuery<int>($"""
            WITH inbox AS (
                INSERT INTO inbox_messages (message_id, type, processed_at)
                VALUES ({envelope.MessageId}, {envelope.Type}, {payment.CreatedAt})
                ON CONFLICT (message_id) DO NOTHING
                RETURNING message_id),
            claim AS (
                INSERT INTO payment_transactions (id, order_id, user_id, amount, status, message_id, created_at)
                SELECT {payment.Id}, {payment.OrderId}, {payment.UserId}, {payment.Amount},
                       {nameof(PaymentStatus.Pending)}, message_id, {payment.CreatedAt}
                FROM inbox
                ON CONFLICT (order_id) DO NOTHING
                RETURNING id),
            debit AS (
                UPDATE accounts SET balance = balance - {payment.Amount}, updated_at = {payment.CreatedAt}
                WHERE user_id = {payment.UserId} AND balance >= {payment.Amount} AND EXISTS (SELECT 1 FROM claim)
                RETURNING user_id)
            SELECT CASE WHEN NOT EXISTS (SELECT 1 FROM claim) THEN (CASE WHEN EXISTS (SELECT 1 FROM inbox) THEN 1 ELSE 0 END)
                        WHEN EXISTS (SELECT 1 FROM debit) THEN 2
                        WHEN EXISTS (SELECT 1 FROM accounts WHERE user_id = {payment.UserId}) THEN 3
                        ELSE 4 END AS "Value"
            """).ToListAsync(cancellationToken); // not composed: a data-modifying WITH must stay at the top level
        return (PaymentOutcome)outcome[0];
    }

    [LoggerMessage(LogLevel.Information, "Message {MessageId} for order {OrderId} was already handled; skipping")]
    private partial void LogDuplicateMessage(Guid messageId, Guid orderId);

    [LoggerMessage(LogLevel.Information, "Order {OrderId} was already paid ({Status}); PayOrder {MessageId} gets the recorded result again")]
    private partial void LogAnsweredAgain(Guid orderId, PaymentStatus status, Guid messageId);

    // Debug: one line per payment is the hot path; payment_transactions and the trace keep the record.
    [LoggerMessage(LogLevel.Debug, "Payment of order {OrderId} by {UserId} for {Amount}: {FailureReason}")]
    private partial void LogPaid(Guid orderId, string userId, decimal amount, PaymentFailureReason? failureReason);
}
