using System.Text.Json.Serialization;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.SignalR;

namespace Gozon.Orders.LiveStatus;

public static class LiveStatusExtensions
{
    public static WebApplicationBuilder AddOrderLiveStatus(this WebApplicationBuilder builder)
    {
        builder.Services.AddSignalR()
            .AddJsonProtocol(options =>
            {
                // The same JSON as the REST API: enums as names, no null members.
                options.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter());
                options.PayloadSerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
            });
        builder.Services.AddOptions<LiveStatusOptions>()
            .BindConfiguration(LiveStatusOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // Registered for this hub, it wins over the open generic default that AddSignalR adds.
        builder.Services.AddSingleton<HubLifetimeManager<OrderStatusHub>, BoundedHubLifetimeManager<OrderStatusHub>>();
        builder.Services.AddHostedService<OrderChangeListener>();
        builder.Services.AddSingleton<OrderChangeNotifier>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OrderChangeNotifier>());
        return builder;
    }

    /// <summary>
    /// Maps the hub at <see cref="OrderStatusHub.Path"/>. A connection without a valid user is refused at
    /// negotiation with a 400 problem, before any WebSocket is opened.
    /// </summary>
    public static WebApplication MapOrderLiveStatus(this WebApplication app)
    {
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments(OrderStatusHub.Path),
            branch => branch.Use(async (context, next) =>
            {
                if (UserId.TryReadConnection(context.Request, out _, out var error))
                {
                    await next(context);
                    return;
                }

                context.Response.StatusCode = StatusCodes.Status400BadRequest;
                await Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Bad request.", detail: error)
                    .ExecuteAsync(context);
            }));
        app.MapHub<OrderStatusHub>(OrderStatusHub.Path);
        return app;
    }
}
