using Gozon.Messaging.Database;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Gozon.Gateway.Identity;

public static class IdentityExtensions
{
    /// <summary>
    /// Shoppers' accounts at the edge: ASP.NET Core Identity on <c>identity_db</c> (migrated at start), JWT bearer tokens,
    /// lockout, and rate limits on register and login; all settings under <c>Gozon:Identity</c>, checked at start.
    /// </summary>
    public static WebApplicationBuilder AddShopperIdentity(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(GatewayIdentityOptions.SectionName);
        var settings = section.Get<GatewayIdentityOptions>() ?? new GatewayIdentityOptions();
        builder.Services.AddOptions<GatewayIdentityOptions>()
            .Bind(section)
            .Validate(options => !options.Problems().Any(), string.Join(" ", settings.Problems()))
            .ValidateOnStart();

        builder.AddServiceDatabase<ShopperIdentityDbContext>("identity-db");
        builder.Services.AddIdentityCore<IdentityUser>(options =>
            {
                options.User.RequireUniqueEmail = false;
                options.User.AllowedUserNameCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._";
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = true;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = settings.Lockout.MaxFailedAttempts;
                options.Lockout.DefaultLockoutTimeSpan = settings.Lockout.Duration;
            })
            .AddEntityFrameworkStores<ShopperIdentityDbContext>()
            .AddSignInManager();
        builder.Services.AddSingleton<ShopperTokens>();
        builder.Services.AddSingleton<SignInRateLimits>();
        builder.Services.AddRateLimiter(limiter => SignInRateLimits.AddPerAddressPolicy(limiter, settings));
        builder.Services.AddCallerAuthentication(settings.TrustUserIdHeader);
        return builder;
    }

    public static WebApplication UseShopperIdentity(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<GatewayIdentityOptions>>().Value.TrustUserIdHeader)
        {
            LogTrustingHeader(app.Logger);
        }

        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.MapIdentityEndpoints();
        return app;
    }

    private static void LogTrustingHeader(ILogger logger) =>
        logger.LogWarning("Gozon:Identity:TrustUserIdHeader is on: any caller without a token may act as any user by naming it in X-User-Id. Never deploy this");
}
