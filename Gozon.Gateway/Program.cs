using Gozon.Gateway;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    // "http://orders" in the cluster config becomes every replica the AppHost announced
    // through services__orders__http__N.
    .AddServiceDiscoveryDestinationResolver();

var app = builder.Build();

// The proxy's own failures (no healthy destination, a service that went away) become problem details too.
app.UseStatusCodePages();
app.UseMiddleware<NonAsciiHeaderGuard>();
app.MapDefaultEndpoints();
app.MapReverseProxy();

// One API reference for the whole system, reading each service's OpenAPI document through the proxy.
app.MapScalarApiReference("/scalar", options => options
    .WithTitle("Gozon API")
    .AddDocument("orders", "Orders", "/openapi/orders.json")
    .AddDocument("payments", "Payments", "/openapi/payments.json"));
app.MapGet("/", () => Results.Redirect("/scalar")).ExcludeFromDescription();

app.Run();
