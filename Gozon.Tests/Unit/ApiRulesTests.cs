using Gozon.ServiceDefaults.Api;

namespace Gozon.Tests.Unit;

public sealed class ApiRulesTests
{
    [Theory]
    [InlineData("0.01")]
    [InlineData("1")]
    [InlineData("10.5")]
    [InlineData("10.50")]
    [InlineData("10.500")]
    [InlineData("1000000000")]
    public void Valid_amounts_pass(string amount) => Assert.Null(Money.Validate(decimal.Parse(amount)));

    [Theory]
    [InlineData("0", "greater than 0")]
    [InlineData("-0.01", "greater than 0")]
    [InlineData("0.001", "decimal places")]
    [InlineData("1000000000.01", "at most")]
    public void Invalid_amounts_say_why(string amount, string expected) =>
        Assert.Contains(expected, Money.Validate(decimal.Parse(amount)));

    [Fact]
    public void A_missing_amount_is_required() => Assert.Contains("required", Money.Validate(null));

    [Theory]
    [InlineData("a", true)]
    [InlineData("user-1_x.Y", true)]
    [InlineData("", false)]
    [InlineData(" a", false)]
    [InlineData("a/b", false)]
    [InlineData("alice\n", false)]
    [InlineData(null, false)]
    public void User_ids_are_letters_digits_and_dash_underscore_dot(string? value, bool valid) =>
        Assert.Equal(valid, UserId.TryParse(value, out _));

    [Fact]
    public void User_ids_are_at_most_64_characters()
    {
        Assert.True(UserId.TryParse(new string('a', 64), out _));
        Assert.False(UserId.TryParse(new string('a', 65), out _));
    }

    [Theory]
    [InlineData(null, true)]
    [InlineData("abc-123", true)]
    [InlineData("", false)]
    [InlineData("has space", false)]
    [InlineData("ключ", false)]
    public void Idempotency_keys_are_visible_ascii(string? key, bool valid) =>
        Assert.Equal(valid, IdempotencyKey.Validate(key) is null);

    [Theory]
    [InlineData("a book", true)]
    [InlineData("ünïcode and emoji \U0001F600", true)]
    [InlineData("nul \0", false)]
    [InlineData("tab\t", false)]
    [InlineData("bell \a", false)]
    public void Plain_text_has_no_control_characters(string text, bool valid) =>
        Assert.Equal(valid, PlainText.IsValid(text));

    [Fact]
    public void Plain_text_has_no_unpaired_surrogate()
    {
        // Built at run time: a lone surrogate in an attribute's string would not survive the test runner's serialization.
        Assert.False(PlainText.IsValid("lone " + '\ud800' + " high"));
        Assert.False(PlainText.IsValid("lone " + '\udc00' + " low"));
        Assert.False(PlainText.IsValid("ends with " + '\ud800'));
    }
}
