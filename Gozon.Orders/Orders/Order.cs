using Gozon.Messaging.Contracts;

namespace Gozon.Orders.Orders;

public enum OrderStatus
{
    New,
    Finished,
    Cancelled,
}

/// <summary>An order and its payment status. Only a <see cref="OrderStatus.New"/> order changes status, once.</summary>
public sealed class Order
{
    public const int MaxDescriptionLength = 500;

    public Guid Id { get; private init; }
    public required string UserId { get; init; }
    public decimal Amount { get; init; }
    public required string Description { get; init; }
    public OrderStatus Status { get; private set; }
    public PaymentFailureReason? FailureReason { get; private set; }
    public DateTimeOffset CreatedAt { get; private init; }
    public DateTimeOffset UpdatedAt { get; private set; }

    /// <summary><c>PayOrder</c> messages sent for this order: the first with the order, more when no result came in time.</summary>
    public int PaymentRequests { get; private set; }

    /// <summary>When a <c>New</c> order is asked about again if no result has come (see PaymentRequests/).</summary>
    public DateTimeOffset NextPaymentRequestAt { get; private set; }

    /// <summary>The client's Idempotency-Key, unique per user.</summary>
    public string? IdempotencyKey { get; init; }

    public static Order Place(string userId, decimal amount, string description, string? idempotencyKey, DateTimeOffset now, TimeSpan paymentTimeout) =>
        new()
        {
            Id = Guid.CreateVersion7(now),
            UserId = userId,
            Amount = amount,
            Description = description,
            IdempotencyKey = idempotencyKey,
            Status = OrderStatus.New,
            CreatedAt = now,
            UpdatedAt = now,
            PaymentRequests = 1,
            NextPaymentRequestAt = now + paymentTimeout,
        };

    /// <summary>The status a payment outcome leads to from <see cref="OrderStatus.New"/>.</summary>
    public static OrderStatus StatusAfter(PaymentFailureReason? failure) =>
        failure is null ? OrderStatus.Finished : OrderStatus.Cancelled;

    /// <summary>Another <c>PayOrder</c> was sent at <paramref name="now"/>; the next is due after <paramref name="wait"/>.</summary>
    public void PaymentRequested(DateTimeOffset now, TimeSpan wait)
    {
        PaymentRequests++;
        NextPaymentRequestAt = now + wait;
    }

    public bool IsSameRequest(decimal amount, string description) => Amount == amount && Description == description;
}
