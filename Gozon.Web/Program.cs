using Gozon.Web.Components;
using Gozon.Web.Gateway;
using Gozon.Web.Shopping;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents();
// "http://gateway" is resolved by service discovery (services__gateway__http__0), like every service-to-service call.
builder.Services.AddHttpClient(nameof(GatewayClient), http => http.BaseAddress = new Uri(GatewayClient.ServiceUri));
builder.Services.AddSingleton<GatewayClient>();
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
app.UseAntiforgery();
app.MapDefaultEndpoints();
app.MapStaticAssets();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
