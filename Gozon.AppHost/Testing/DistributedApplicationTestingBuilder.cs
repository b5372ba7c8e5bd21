using System.Globalization;
using Gozon.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace Gozon.AppHost.Testing;

/// <summary>
/// Builds the Gozon topology for tests (like Aspire's DistributedApplicationTestingBuilder): Process
/// infrastructure, a fresh temporary state folder deleted on dispose, free ports for gateway and web,
/// and a 3 minute start-up deadline. Arguments and <paramref name="configure"/> may override all of it.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    public static readonly TimeSpan DefaultStartupTimeout = TimeSpan.FromMinutes(3);

    public static Task<DistributedApplication> CreateAsync(
        string[]? args = null,
        Action<IDistributedApplicationBuilder>? configure = null,
        CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var builder = DistributedApplication.CreateBuilder(args ?? []);
        var stateDirectory = new TemporaryDirectory(Directory.CreateTempSubdirectory("gozon-test-").FullName);

        // Lowest priority: environment variables, arguments and configure win.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [AppHostSettings.InfrastructureKey] = nameof(InfrastructureMode.Process),
                [AppHostSettings.StateDirectoryKey] = stateDirectory.Path,
                [AppHostSettings.StartupTimeoutKey] = DefaultStartupTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture),
                ["Gozon:Ports:Gateway"] = "0",
                ["Gozon:Ports:Web"] = "0",
            },
        });

        // Created by a factory so the host's service provider disposes it, after every resource has stopped.
        builder.Services.AddSingleton(_ => stateDirectory);
        GozonTopology.Configure(builder);
        configure?.Invoke(builder);
        var app = builder.Build();
        _ = app.Services.GetRequiredService<TemporaryDirectory>();
        return Task.FromResult(app);
    }
}
