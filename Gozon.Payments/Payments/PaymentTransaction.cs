using Gozon.Messaging.Contracts;

namespace Gozon.Payments.Payments;

public enum PaymentStatus
{
    Pending,
    Succeeded,
    Failed,
}

/// <summary>The one payment attempt of an order: <c>order_id</c> is unique, so an order is debited at most once.</summary>
public sealed class PaymentTransaction
{
    public Guid Id { get; init; }
    public Guid OrderId { get; init; }
    public required string UserId { get; init; }
    public decimal Amount { get; init; }
    public PaymentStatus Status { get; init; }
    public PaymentFailureReason? FailureReason { get; init; }
    public Guid MessageId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}
