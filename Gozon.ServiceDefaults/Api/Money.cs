namespace Gozon.ServiceDefaults.Api;

/// <summary>The one rule for every amount of money the API accepts.</summary>
public static class Money
{
    public const decimal Max = 1_000_000_000m;
    public const int Decimals = 2;

    /// <summary>Returns null when valid, else a message naming the field.</summary>
    public static string? Validate(decimal? amount, string field = "amount") => amount switch
    {
        null => $"'{field}' is required.",
        <= 0 => $"'{field}' must be greater than 0.",
        > Max => $"'{field}' must be at most {Max:0}.",
        { } value when decimal.Round(value, Decimals) != value => $"'{field}' must have at most {Decimals} decimal places.",
        _ => null,
    };
}
