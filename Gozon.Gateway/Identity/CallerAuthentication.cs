using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Gozon.ServiceDefaults.Api;
using Microsoft.IdentityModel.Tokens;
using Microsoft.Net.Http.Headers;

namespace Gozon.Gateway.Identity;

/// <summary>
/// Who is calling the API through the gateway: the bearer token's shopper (the <c>shopper</c> policy the proxied routes
/// require), or, only when <see cref="GatewayIdentityOptions.TrustUserIdHeader"/> is on and no token is sent, whoever the
/// <c>X-User-Id</c> header names. Every refusal is a 401 problem that says what to do.
/// </summary>
public static class CallerAuthentication
{
    public const string ShopperPolicy = "shopper";
    private const string CallerScheme = "caller";
    // SignalR's convention: a browser's WebSocket cannot send headers, so the hub takes the token in the query string.
    private const string AccessTokenQuery = "access_token";
    private const string HubPath = "/hubs";

    public static IServiceCollection AddCallerAuthentication(this IServiceCollection services, bool trustUserIdHeader)
    {
        services.AddAuthentication(CallerScheme)
            .AddPolicyScheme(CallerScheme, null, options => options.ForwardDefaultSelector = context =>
                trustUserIdHeader && !SendsToken(context.Request)
                    ? TrustedUserIdHeaderHandler.SchemeName
                    : JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                options.Events = new JwtBearerEvents
                {
                    OnMessageReceived = context =>
                    {
                        if (context.Request.Path.StartsWithSegments(HubPath)
                            && context.Request.Query[AccessTokenQuery] is [{ Length: > 0 } token])
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                    OnChallenge = context =>
                    {
                        context.HandleResponse();
                        var detail = context.AuthenticateFailure switch
                        {
                            SecurityTokenExpiredException or SecurityTokenInvalidLifetimeException =>
                                "The access token has expired: get new tokens from POST /api/identity/refresh, or sign in again.",
                            not null => "The access token is not valid: sign in again with POST /api/identity/login.",
                            null => "Sign in first: send 'Authorization: Bearer <accessToken>' with the token from POST /api/identity/login.",
                        };
                        return WriteUnauthorizedAsync(context.HttpContext, detail);
                    },
                };
            })
            .AddScheme<AuthenticationSchemeOptions, TrustedUserIdHeaderHandler>(TrustedUserIdHeaderHandler.SchemeName, null);
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<ShopperTokens>((options, tokens) => options.TokenValidationParameters = tokens.AccessTokenValidation());
        services.AddAuthorizationBuilder().AddPolicy(ShopperPolicy, policy => policy.RequireAuthenticatedUser());
        return services;
    }

    public static Task WriteUnauthorizedAsync(HttpContext context, string detail)
    {
        context.Response.Headers.WWWAuthenticate = JwtBearerDefaults.AuthenticationScheme;
        return ProblemResponse.WriteAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized", detail);
    }

    private static bool SendsToken(HttpRequest request) =>
        request.Headers.ContainsKey(HeaderNames.Authorization)
        || (request.Path.StartsWithSegments(HubPath) && request.Query.ContainsKey(AccessTokenQuery));
}
