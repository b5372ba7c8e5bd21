using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Gozon.AppHost.Lifecycle;

/// <summary>
/// Aspire leaves a process that died as <c>Exited</c> (microsoft/aspire#1708). A service that crashes must come
/// back by itself, as it would under systemd, Kubernetes or compose's <c>restart: unless-stopped</c>.
/// </summary>
public static class RestartPolicyExtensions
{
    /// <summary>
    /// Restarts each replica that exits with a non-zero code without having been asked to stop, after 0.5 s doubling to 10 s while it keeps failing;
    /// a replica that ran for 30 s starts again from 0.5 s. A replica stopped on purpose (dashboard, resource command,
    /// AppHost shutdown) stays stopped.
    /// </summary>
    public static IResourceBuilder<T> WithRestartPolicy<T>(this IResourceBuilder<T> builder) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ApplicationBuilder.Services.TryAddSingleton<StopRequests>();
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, RestartPolicyService>());
        // Aspire adds the stop command while it creates the resources.
        builder.ApplicationBuilder.Eventing.Subscribe<AfterResourcesCreatedEvent>((@event, _) =>
        {
            StopRequests.Observe(builder.Resource, @event.Services.GetRequiredService<StopRequests>());
            return Task.CompletedTask;
        });
        return builder.WithAnnotation(
            new RestartPolicyAnnotation(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)),
            ResourceAnnotationMutationBehavior.Replace);
    }
}
