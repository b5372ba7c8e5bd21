namespace Gozon.Payments.Accounts;

/// <summary>A user's account. The balance only changes through single conditional SQL updates.</summary>
public sealed class Account
{
    public required string UserId { get; init; }
    public decimal Balance { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A credited top-up, kept as the audit trail and as the memory of its Idempotency-Key.</summary>
public sealed class TopUp
{
    public Guid Id { get; init; }
    public required string UserId { get; init; }
    public decimal Amount { get; init; }
    public decimal BalanceAfter { get; init; }
    public string? IdempotencyKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
}

public sealed record AccountResponse(string UserId, decimal Balance);
