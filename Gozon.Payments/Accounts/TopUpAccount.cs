using Gozon.Messaging.Database;
using Gozon.Payments.Data;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Gozon.Payments.Accounts;

public sealed record TopUpRequest(decimal? Amount);

public static class TopUpAccount
{
    /// <summary>
    /// Credits the account with one atomic update and records the top-up in the same transaction.
    /// With an Idempotency-Key, a repeat returns the balance the first call returned and credits nothing.
    /// </summary>
    public static async Task<Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        UserId user,
        TopUpRequest request,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        PaymentsDbContext db,
        TimeProvider timeProvider,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (Money.Validate(request.Amount) is { } amountError)
        {
            errors["amount"] = [amountError];
        }

        if (IdempotencyKey.Validate(idempotencyKey) is { } keyError)
        {
            errors[IdempotencyKey.HeaderName] = [keyError];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var amount = request.Amount!.Value;
        if (idempotencyKey is not null && await FindAsync(db, user, idempotencyKey, cancellationToken) is { } earlier)
        {
            return Repeat(earlier, amount);
        }

        var now = timeProvider.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var balance = await CreditAsync(db, user, amount, now, cancellationToken);
        if (balance is null)
        {
            return AccountEndpoints.AccountNotFound(user);
        }

        db.TopUps.Add(new TopUp
        {
            Id = Guid.CreateVersion7(now),
            UserId = user.Value,
            Amount = amount,
            BalanceAfter = balance.Value,
            IdempotencyKey = idempotencyKey,
            CreatedAt = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (idempotencyKey is not null && exception.IsUniqueViolation())
        {
            // A concurrent request with the same key committed first: undo this credit, answer as it did.
            await transaction.RollbackAsync(cancellationToken);
            db.ChangeTracker.Clear();
            return Repeat((await FindAsync(db, user, idempotencyKey, cancellationToken))!, amount);
        }

        return TypedResults.Ok(new AccountResponse(user.Value, balance.Value));
    }

    private static async Task<decimal?> CreditAsync(
        PaymentsDbContext db, UserId user, decimal amount, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            var balances = await db.Database.SqlQuery<decimal>($"""
                UPDATE accounts SET balance = balance + {amount}, updated_at = {now}
                WHERE user_id = {user.Value}
                RETURNING balance AS "Value"
                """).ToListAsync(cancellationToken);
            return balances.Count == 0 ? null : balances[0];
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.NumericValueOutOfRange)
        {
            throw new BadHttpRequestException("The balance would exceed the largest amount an account can hold.",
                StatusCodes.Status422UnprocessableEntity);
        }
    }

    private static Task<TopUp?> FindAsync(PaymentsDbContext db, UserId user, string idempotencyKey, CancellationToken cancellationToken) =>
        db.TopUps.AsNoTracking()
            .FirstOrDefaultAsync(t => t.UserId == user.Value && t.IdempotencyKey == idempotencyKey, cancellationToken);

    private static Results<Ok<AccountResponse>, ValidationProblem, ProblemHttpResult> Repeat(TopUp earlier, decimal amount) =>
        earlier.Amount == amount
            ? TypedResults.Ok(new AccountResponse(earlier.UserId, earlier.BalanceAfter))
            : IdempotencyKey.Mismatch();
}
