using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Lifecycle;

public static class UrlAnnouncementExtensions
{
    /// <summary>
    /// Prints the resource's URL on the AppHost's console once it is healthy, beside the dashboard's login URL that
    /// Aspire prints: the addresses a person opens (the gateway, the shop), without first opening the dashboard.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithUrlAnnouncement(this IResourceBuilder<ProjectResource> builder, string what)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ApplicationBuilder.Eventing.Subscribe<ResourceReadyEvent>(builder.Resource, (@event, _) =>
        {
            var url = builder.Resource.GetEndpoint("http").Url;
            @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Gozon.AppHost")
                .LogInformation("{What} is ready: {Url}", what, url);
            return Task.CompletedTask;
        });
        return builder;
    }
}
