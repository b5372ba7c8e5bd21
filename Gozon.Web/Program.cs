using Gozon.Web.Components;
using Gozon.Web.Gateway;
using Gozon.Web.Identity;
using Gozon.Web.Shopping;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Http.Resilience;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();
// "http://gateway" is resolved by service discovery (services__gateway__http__0), like every service-to-service call.
builder.Services.AddHttpClient(nameof(GatewayClient), http => http.BaseAddress = new Uri(GatewayClient.ServiceUri));
// Sign-in calls are never retried (see IdentityClient); the standard handler's timeouts stay. Replacing the
// handler the service defaults give every client is an experimental API (EXTEXP0001), and the one that does it.
#pragma warning disable EXTEXP0001
builder.Services.AddHttpClient(IdentityClient.HttpClientName, http => http.BaseAddress = new Uri(GatewayClient.ServiceUri))
    .RemoveAllResilienceHandlers()
    .AddStandardResilienceHandler(options => options.Retry.DisableForUnsafeHttpMethods());
#pragma warning restore EXTEXP0001
builder.Services.AddSingleton<GatewayClient>();
builder.Services.AddSingleton<IdentityClient>();

// The browser holds only a cookie naming a session; the tokens stay in this process's memory (ShopperTokens), so
// a restart of Gozon.Web signs every shopper out.
builder.Services.AddDistributedMemoryCache();
builder.Services.AddSingleton<ShopperTokens>();
builder.Services.AddSingleton<ShopperSignIn>();
builder.Services.AddAuthentication(ShopperSignIn.Scheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "gozon.shopper";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest; // the shop runs on plain HTTP locally
        options.ExpireTimeSpan = ShopperTokens.IdleLifetime;
        options.SlidingExpiration = true;
        options.LoginPath = AccountPaths.SignIn;
        options.LogoutPath = AccountPaths.SignOut;
        options.ReturnUrlParameter = AccountPaths.ReturnUrlParameter;
        options.Events.OnValidatePrincipal = ShopperSignIn.ValidatePrincipalAsync;
    });
builder.Services.AddAuthorization();
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<AuthenticationStateProvider, SessionRevalidation>();

// One of each per browser tab (Blazor circuit).
builder.Services.AddScoped<OrderFeed>();
builder.Services.AddScoped<ShopperStorage>();
builder.Services.AddScoped<Toasts>();
builder.Services.AddScoped<ShopperSession>();

var app = builder.Build();

if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapAccountEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
