using Gozon.Messaging.Database;
using Gozon.Payments.Data;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Payments.Accounts;

public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var accounts = app.MapGroup("/api/payments/accounts").WithTags("Accounts");
        accounts.MapPost("/", CreateAsync)
            .WithName("CreateAccount")
            .WithSummary("Open the caller's account with a zero balance.");
        accounts.MapPost("/topup", TopUpAccount.HandleAsync)
            .WithName("TopUpAccount")
            .WithSummary("Add money to the caller's account.");
        accounts.MapGet("/balance", GetBalanceAsync)
            .WithName("GetBalance")
            .WithSummary("The caller's balance.");
        return app;
    }

    private static async Task<Results<Created<AccountResponse>, ProblemHttpResult>> CreateAsync(
        UserId user, PaymentsDbContext db, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        db.Accounts.Add(new Account { UserId = user.Value, Balance = 0, CreatedAt = now, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Account already exists.",
                detail: $"User '{user}' already has an account.");
        }

        return TypedResults.Created("/api/payments/accounts/balance", new AccountResponse(user.Value, 0));
    }

    private static async Task<Results<Ok<AccountResponse>, ProblemHttpResult>> GetBalanceAsync(
        UserId user, PaymentsDbContext db, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.AsNoTracking()
            .FirstOrDefaultAsync(a => a.UserId == user.Value, cancellationToken);
        return account is null
            ? AccountNotFound(user)
            : TypedResults.Ok(new AccountResponse(account.UserId, account.Balance));
    }

    public static ProblemHttpResult AccountNotFound(UserId user) => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound, title: "Account not found.",
        detail: $"User '{user}' has no account; create it with POST /api/payments/accounts.");
}
