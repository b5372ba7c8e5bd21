using Gozon.Gateway;
using Scalar.AspNetCore;
using Yarp.ReverseProxy.Health;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    // "http://orders" in the cluster config becomes every replica the AppHost announced
    // through services__orders__http__N.
    .AddServiceDiscoveryDestinationResolver()
    // A dead replica's address must fail fast, not hold the request: SocketsHttpHandler waits for ever by default.
    .ConfigureHttpClient((_, handler) => handler.ConnectTimeout = TimeSpan.FromSeconds(2))
    // Health checks (appsettings.json) need one destination per replica: a name Docker DNS answers with several becomes several.
    .AddReplicaDestinations();
builder.Services.AddSingleton<IPassiveHealthCheckPolicy, FirstFailureHealthPolicy>();

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
