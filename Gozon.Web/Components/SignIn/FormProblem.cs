using System.Reflection;
using Gozon.Web.Gateway;
using Microsoft.AspNetCore.Components.Forms;

namespace Gozon.Web.Components.SignIn;

/// <summary>Shows a problem from the gateway on a sign-in or sign-up form.</summary>
public static class FormProblem
{
    /// <summary>
    /// Puts the problem's per-field messages (<c>errors.userName</c>, <c>errors.password</c>) beside their fields,
    /// and returns the text for the form's alert: the detail (the gateway states its rules there), or the whole
    /// message when no field took it.
    /// </summary>
    public static string? Show(ApiProblem problem, EditContext form, ValidationMessageStore messages)
    {
        var placed = false;
        foreach (var (key, texts) in problem.Errors)
        {
            if (typeof(CredentialsForm).GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { } property)
            {
                messages.Add(form.Field(property.Name), texts);
                placed = true;
            }
        }

        form.NotifyValidationStateChanged();
        return placed ? problem.Detail : problem.Message;
    }
}
