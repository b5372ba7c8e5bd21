namespace Gozon.Messaging.Contracts;

/// <summary>Marker for everything that travels through the broker; the type name is the wire type.</summary>
public interface IMessage
{
    /// <summary>The order the message is about; it becomes the AMQP correlation id.</summary>
    Guid OrderId { get; }
}

/// <summary>Command from Orders to Payments: debit the user's account for the order.</summary>
public sealed record PayOrder(Guid OrderId, string UserId, decimal Amount) : IMessage;

/// <summary>Event from Payments: the account was debited for the order.</summary>
public sealed record PaymentSucceeded(Guid OrderId) : IMessage;

/// <summary>Event from Payments: the order could not be paid; <see cref="Reason"/> says why.</summary>
public sealed record PaymentFailed(Guid OrderId, PaymentFailureReason Reason) : IMessage;

public enum PaymentFailureReason
{
    InsufficientFunds,
    AccountNotFound,
}
