using Gozon.Messaging.Database;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Gozon.Gateway.Identity;

public sealed record Credentials(string? UserName, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record RegisteredUser(string UserName);

/// <summary>
/// <c>/api/identity</c>: register, login and refresh in the bearer-token shape of Identity's <c>MapIdentityApi</c>, with
/// user names (today's user-id rules) where it has e-mail addresses.
/// </summary>
public static partial class IdentityEndpoints
{
    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        var identity = app.MapGroup("/api/identity")
            .WithTags("Identity")
            .RequireRateLimiting(SignInRateLimits.PerAddressPolicy);
        identity.MapPost("/register", RegisterAsync)
            .WithSummary("Creates a shopper account. The user name becomes the shopper's id in orders and payments.");
        identity.MapPost("/login", LoginAsync)
            .WithSummary("Signs in: returns a bearer access token for every API call and a refresh token.");
        identity.MapPost("/refresh", RefreshAsync)
            .WithSummary("Exchanges a refresh token for new tokens.");
        return app;
    }

    private static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        Credentials credentials, HttpContext context, UserManager<IdentityUser> users, SignInRateLimits limits, ILoggerFactory loggers)
    {
        if (Invalid(credentials, users.Options.Password) is { } invalid)
        {
            return invalid;
        }

        using var lease = limits.AcquirePerUserName(credentials.UserName!);
        if (!lease.IsAcquired)
        {
            return (ProblemHttpResult)SignInRateLimits.TooMany(context, lease, "this user name");
        }

        var user = new IdentityUser(credentials.UserName!);
        IdentityResult result;
        try
        {
            result = await users.CreateAsync(user, credentials.Password!);
        }
        catch (DbUpdateException exception) when (exception.IsUniqueViolation())
        {
            // Two registrations of one name at once: Identity's own check saw neither, the unique index caught the second.
            return NameTaken(credentials.UserName!);
        }

        if (result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName)))
        {
            return NameTaken(credentials.UserName!);
        }

        if (!result.Succeeded)
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["password"] = [.. result.Errors.Select(e => e.Description)] },
                detail: PasswordPolicy(users.Options.Password), title: "The password does not meet the policy.");
        }

        LogRegistered(loggers.CreateLogger(typeof(IdentityEndpoints)), user.UserName!);
        return TypedResults.Created((string?)null, new RegisteredUser(user.UserName!));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        Credentials credentials, HttpContext context, UserManager<IdentityUser> users, SignInManager<IdentityUser> signIn,
        SignInRateLimits limits, ShopperTokens tokens, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        if (string.IsNullOrEmpty(credentials.UserName) || string.IsNullOrEmpty(credentials.Password))
        {
            return TypedResults.ValidationProblem(Required(credentials), title: "Give a user name and a password.");
        }

        using var lease = limits.AcquirePerUserName(credentials.UserName);
        if (!lease.IsAcquired)
        {
            return (ProblemHttpResult)SignInRateLimits.TooMany(context, lease, "this user name");
        }

        var logger = loggers.CreateLogger(typeof(IdentityEndpoints));
        var user = UserId.TryParse(credentials.UserName, out _) ? await users.FindByNameAsync(credentials.UserName) : null;
        if (user is null)
        {
            // As long as a real check, so that the answer's timing does not tell which names exist.
            users.PasswordHasher.VerifyHashedPassword(new IdentityUser(), UnknownUserHash.Value, credentials.Password);
            LogFailed(logger, credentials.UserName);
            return SignInFailed();
        }

        var result = await signIn.CheckPasswordSignInAsync(user, credentials.Password, lockoutOnFailure: true);
        if (result.IsLockedOut)
        {
            var until = await users.GetLockoutEndDateAsync(user) ?? timeProvider.GetUtcNow();
            LogLockedOut(logger, user.UserName!, until);
            return TypedResults.Problem(
                $"Too many wrong passwords: this account is locked until {until:u}. Try again after that.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Locked out");
        }

        if (!result.Succeeded)
        {
            LogFailed(logger, credentials.UserName);
            return SignInFailed();
        }

        return TypedResults.Ok(tokens.Issue(user));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        RefreshRequest request, UserManager<IdentityUser> users, ShopperTokens tokens)
    {
        if (string.IsNullOrEmpty(request.RefreshToken))
        {
            return TypedResults.ValidationProblem(
                new Dictionary<string, string[]> { ["refreshToken"] = ["The refresh token is required."] });
        }

        var refresh = await tokens.ReadRefreshTokenAsync(request.RefreshToken);
        var user = refresh is { } valid ? await users.FindByIdAsync(valid.UserId) : null;
        if (user is null || user.SecurityStamp != refresh!.Value.Stamp || await users.IsLockedOutAsync(user))
        {
            return TypedResults.Problem("The refresh token is not valid, has expired, or was issued before the account changed: sign in again.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Refresh failed");
        }

        return TypedResults.Ok(tokens.Issue(user));
    }

    private static ValidationProblem? Invalid(Credentials credentials, PasswordOptions policy)
    {
        var errors = Required(credentials);
        if (credentials.UserName is { Length: > 0 } name && !UserId.TryParse(name, out _))
        {
            errors["userName"] = [$"The user name must be 1-{UserId.MaxLength} characters of letters, digits, '-', '_' or '.'."];
        }

        return errors.Count == 0 ? null : TypedResults.ValidationProblem(errors, detail: PasswordPolicy(policy), title: "The account cannot be created.");
    }

    private static Dictionary<string, string[]> Required(Credentials credentials)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(credentials.UserName))
        {
            errors["userName"] = ["The user name is required."];
        }

        if (string.IsNullOrEmpty(credentials.Password))
        {
            errors["password"] = ["The password is required."];
        }

        return errors;
    }

    private static string PasswordPolicy(PasswordOptions policy)
    {
        List<string> needs = [];
        if (policy.RequireLowercase) needs.Add("a lowercase letter");
        if (policy.RequireUppercase) needs.Add("an uppercase letter");
        if (policy.RequireDigit) needs.Add("a digit");
        if (policy.RequireNonAlphanumeric) needs.Add("a character that is neither a letter nor a digit");
        return $"Passwords need at least {policy.RequiredLength} characters" + (needs.Count == 0 ? "." : $", with {string.Join(", ", needs)}.");
    }

    private static ProblemHttpResult NameTaken(string userName) =>
        TypedResults.Problem($"The user name '{userName}' is taken (names are unique whatever their case): choose another.",
            statusCode: StatusCodes.Status409Conflict, title: "The user name is taken.");

    private static ProblemHttpResult SignInFailed() =>
        TypedResults.Problem("The user name or the password is wrong.", statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");

    // A hash of a random password, made once per process: checking against it costs what checking a real one does.
    private static readonly Lazy<string> UnknownUserHash = new(() =>
        new PasswordHasher<IdentityUser>().HashPassword(new IdentityUser(), Guid.NewGuid().ToString()));

    [LoggerMessage(LogLevel.Information, "Registered shopper {UserName}")]
    private static partial void LogRegistered(ILogger logger, string userName);

    [LoggerMessage(LogLevel.Information, "Sign-in of {UserName} failed")]
    private static partial void LogFailed(ILogger logger, string userName);

    [LoggerMessage(LogLevel.Warning, "Shopper {UserName} is locked out until {Until}")]
    private static partial void LogLockedOut(ILogger logger, string userName, DateTimeOffset until);
}
