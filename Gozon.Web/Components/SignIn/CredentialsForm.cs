using System.ComponentModel.DataAnnotations;

namespace Gozon.Web.Components.SignIn;

/// <summary>
/// What the sign-in and sign-up forms post. A class with setters, because form binding fills it property by property.
/// Only "is it there" is checked here; the gateway owns the rules for names and passwords and says what they are.
/// </summary>
public sealed class CredentialsForm
{
    [Required(ErrorMessage = "Enter a user name.")]
    public string UserName { get; set; } = "";

    [Required(ErrorMessage = "Enter a password.")]
    public string Password { get; set; } = "";

    /// <summary>Sign-up only: a password nobody sees is typed twice.</summary>
    public string? ConfirmPassword { get; set; }
}
