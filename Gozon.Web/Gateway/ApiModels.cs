namespace Gozon.Web.Gateway;

/// <summary>The shapes the gateway's REST API and live status hub send, as the front end reads them.</summary>
public sealed record Account(string UserId, decimal Balance);

public sealed record Order(
    Guid Id,
    string UserId,
    decimal Amount,
    string Description,
    string Status,
    string? FailureReason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string New = "New";
    public const string Finished = "Finished";
    public const string Cancelled = "Cancelled";

    public bool IsFinal => Status is Finished or Cancelled;

    /// <summary>The first characters of the id: enough to tell orders apart on screen.</summary>
    public string ShortId => Id.ToString("N")[^8..];

    public string? FailureText => FailureReason switch
    {
        null => null,
        "InsufficientFunds" => "insufficient funds",
        "AccountNotFound" => "no account",
        var other => other,
    };
}
