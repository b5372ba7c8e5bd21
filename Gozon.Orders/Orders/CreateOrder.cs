using Gozon.Orders.LiveStatus;
using Gozon.Orders.PaymentRequests;
using Gozon.ServiceDefaults.Faults;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Database;
using Gozon.Messaging.Outbox;
using Gozon.Orders.Data;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gozon.Orders.Orders;

public sealed record CreateOrderRequest(decimal? Amount, string? Description);

public static class CreateOrder
{
    /// <summary>
    /// Writes the order and its <see cref="PayOrder"/> command in one transaction; payment happens later,
    /// so the answer is 202 with the order still <see cref="OrderStatus.New"/>.
    /// </summary>
    public static async Task<Results<Accepted<OrderResponse>, ValidationProblem, ProblemHttpResult>> HandleAsync(
        UserId user,
        CreateOrderRequest request,
        [FromHeader(Name = IdempotencyKey.HeaderName)] string? idempotencyKey,
        OrdersDbContext db,
        TimeProvider timeProvider,
        CrashPoints crashPoints,
        OrderChangeNotifier changes,
        IOptions<PaymentRequestOptions> paymentRequests,
        CancellationToken cancellationToken)
    {
        var errors = Validate(request, idempotencyKey);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var amount = request.Amount!.Value;
        var description = request.Description!;
        if (idempotencyKey is not null
            && await FindByIdempotencyKeyAsync(db, user, idempotencyKey, cancellationToken) is { } earlier)
        {
            return Repeat(earlier, amount, description);
        }

        var now = timeProvider.GetUtcNow();
        var order = Order.Place(user.Value, amount, description, idempotencyKey, now, paymentRequests.Value.PaymentTimeout);
        db.Orders.Add(order);
        db.EnqueueMessage(new PayOrder(order.Id, order.UserId, order.Amount), now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation() && idempotencyKey is not null)
        {
            // A concurrent request with the same key won the race; answer as it did.
            db.ChangeTracker.Clear();
            var winner = await FindByIdempotencyKeyAsync(db, user, idempotencyKey, cancellationToken);
            return Repeat(winner!, amount, description);
        }

        changes.Changed(order.Id);
        crashPoints.Reach(CrashPoints.OrderCommittedBeforeResponse);
        return TypedResults.Accepted($"/api/orders/{order.Id}", OrderResponse.From(order));
    }

    private static Dictionary<string, string[]> Validate(CreateOrderRequest request, string? idempotencyKey)
    {
        var errors = new Dictionary<string, string[]>();
        if (Money.Validate(request.Amount) is { } amountError)
        {
            errors["amount"] = [amountError];
        }

        if (string.IsNullOrWhiteSpace(request.Description) || request.Description.Length > Order.MaxDescriptionLength)
        {
            errors["description"] = [$"'description' is required: 1-{Order.MaxDescriptionLength} characters, not only spaces."];
        }
        else if (!PlainText.IsValid(request.Description))
        {
            errors["description"] = ["'description' must not contain control characters (such as NUL, tab or newline) or invalid Unicode."];
        }

        if (IdempotencyKey.Validate(idempotencyKey) is { } keyError)
        {
            errors[IdempotencyKey.HeaderName] = [keyError];
        }

        return errors;
    }

    private static Task<Order?> FindByIdempotencyKeyAsync(
        OrdersDbContext db, UserId user, string idempotencyKey, CancellationToken cancellationToken) =>
        db.Orders.AsNoTracking()
            .FirstOrDefaultAsync(o => o.UserId == user.Value && o.IdempotencyKey == idempotencyKey, cancellationToken);

    private static Results<Accepted<OrderResponse>, ValidationProblem, ProblemHttpResult> Repeat(
        Order earlier, decimal amount, string description) =>
        earlier.IsSameRequest(amount, description)
            ? TypedResults.Accepted($"/api/orders/{earlier.Id}", OrderResponse.From(earlier))
            : IdempotencyKey.Mismatch();
}
