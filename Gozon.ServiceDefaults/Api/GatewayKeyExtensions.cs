using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

public static class GatewayKeyExtensions
{
    public static TBuilder AddGatewayKey<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddOptions<GatewayKeyOptions>()
            .BindConfiguration(GatewayKeyOptions.SectionName)
            .Validate(options => options.Key.Length >= GatewayKeyOptions.MinLength,
                $"{GatewayKeyOptions.SectionName}:Key must be at least {GatewayKeyOptions.MinLength} characters: the AppHost and deploy/.env generate it, and the gateway and the services must share it.")
            .ValidateOnStart();
        return builder;
    }

    /// <summary>The API (<c>/api</c>) and the hub (<c>/hubs</c>) answer the gateway only; health and OpenAPI stay open.</summary>
    public static WebApplication UseGatewayKey(this WebApplication app)
    {
        app.UseMiddleware<GatewayKeyCheck>();
        return app;
    }
}
