using Gozon.Gateway.Identity;
using Gozon.Gateway.Proxy;
using Scalar.AspNetCore;
using Yarp.ReverseProxy.Health;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddGatewayKey();
builder.AddShopperIdentity();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    // "http://orders" in the cluster config becomes every replica the AppHost announced
    // through services__orders__http__N.
    .AddServiceDiscoveryDestinationResolver()
    // A dead replica's address must fail fast, not hold the request: SocketsHttpHandler waits for ever by default.
    .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = TimeSpan.FromSeconds(2))
    // Health checks (appsettings.json) need one destination per replica: a name Docker DNS answers with several becomes several.
    .AddReplicaDestinations()
    .AddCallerHeaders();
builder.Services.AddSingleton<IPassiveHealthCheckPolicy, FirstFailureHealthPolicy>();

var app = builder.Build();

app.UseApiDefaults();
app.UseMiddleware<NonAsciiHeaderGuard>();
app.MapDefaultEndpoints();
app.UseShopperIdentity();
// The routes in appsettings.json name the "shopper" policy: the API and the hub need a signed-in caller.
app.MapReverseProxy();

// One API reference for the whole system: the gateway's own sign-in API and each service's document read through the proxy.
app.MapScalarApiReference("/scalar", options => options
    .WithTitle("Gozon API")
    .AddDocument("identity", "Identity", "/openapi/v1.json")
    .AddDocument("orders", "Orders", "/openapi/orders.json")
    .AddDocument("payments", "Payments", "/openapi/payments.json"));
app.MapGet("/", () => Results.Redirect("/scalar")).ExcludeFromDescription();

app.Run();
