using Gozon.AppHost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Testing;

/// <summary>Test conveniences: HTTP clients for projects and a log file instead of the console.</summary>
public static class DistributedApplicationTestingExtensions
{
    /// <summary>An <see cref="HttpClient"/> whose base address is the project's (first replica's) endpoint.</summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, int replica = 0)
    {
        ArgumentNullException.ThrowIfNull(app);
        return new HttpClient { BaseAddress = app.GetEndpoint(resourceName, replica) };
    }

    /// <summary>Sends resource output and the AppHost's own logs to <paramref name="path"/> instead of the console.</summary>
    public static IDistributedApplicationBuilder WriteLogsToFile(this IDistributedApplicationBuilder builder, string path)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var sink = new FileResourceOutputSink(path);
        builder.Services.AddSingleton<IResourceOutputSink>(_ => sink);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new SinkLoggerProvider(sink));
        return builder;
    }
}
