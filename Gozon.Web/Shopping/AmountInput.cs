using System.Globalization;
using Gozon.ServiceDefaults.Api;

namespace Gozon.Web.Shopping;

/// <summary>Reads an amount typed by a shopper, with the API's own money rule, so most mistakes never leave the page.</summary>
public static class AmountInput
{
    public static bool TryParse(string? text, out decimal amount, out string? error)
    {
        amount = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "Enter an amount.";
            return false;
        }

        if (!decimal.TryParse(text.Trim(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out amount))
        {
            error = "Enter a number, like 25 or 25.50.";
            return false;
        }

        error = Money.Validate(amount) is { } rule ? Sentence(rule) : null;
        return error is null;
    }

    /// <summary>"'amount' must be greater than 0." reads better on a form as "The amount must be greater than 0."</summary>
    private static string Sentence(string rule) => rule.Replace("'amount'", "The amount", StringComparison.Ordinal);
}
