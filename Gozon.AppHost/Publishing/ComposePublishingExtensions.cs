using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Publishing;

public static class ComposePublishingExtensions
{
    /// <summary>Where the compose files go; unset, they go where Aspire publishes (<c>--output-path</c>).</summary>
    public const string OutputKey = "Gozon:ComposeOutput";
    private const string AspireOutputKey = "Pipeline:OutputPath";

    /// <summary>
    /// In publish mode (<c>--publisher manifest --output-path ../deploy</c>), writes the compose deployment next to
    /// Aspire's manifest from the same model, just before Aspire publishes it. Run mode is untouched. A relative
    /// path is taken from the current folder, as Aspire takes it: <c>dotnet run</c> starts the AppHost in its own folder.
    /// </summary>
    public static IDistributedApplicationBuilder AddComposePublishing(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!builder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        builder.Eventing.Subscribe<BeforeStartEvent>(async (@event, cancellationToken) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ComposePublisher));
            if ((builder.Configuration[OutputKey] ?? builder.Configuration[AspireOutputKey]) is not { Length: > 0 } output)
            {
                logger.LogWarning("No compose files written: pass --output-path or --{Key}.", OutputKey);
                return;
            }

            var directory = Path.GetFullPath(output);
            foreach (var path in await ComposePublisher.PublishAsync(@event.Model.Resources, directory, cancellationToken).ConfigureAwait(false))
            {
                logger.LogInformation("Wrote {Path}", path);
            }
        });
        return builder;
    }
}
