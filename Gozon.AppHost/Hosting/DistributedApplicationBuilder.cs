using System.Globalization;
using Gozon.AppHost.Hosting.Dcp;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting;

/// <summary>Collects resources and AppHost services; <see cref="Build"/> wires the orchestrator into a generic host.</summary>
public sealed class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly List<IResource> _resources = [];

    public DistributedApplicationBuilder(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        _host = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = TranslateArguments(args),
            ApplicationName = "Gozon.AppHost",
            EnvironmentName = Environments.Development,
            ContentRootPath = AppContext.BaseDirectory,
        });
        _host.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "HH:mm:ss ";
        });
        _host.Logging.AddFilter("System.Net.Http.HttpClient", LogLevel.Warning);
        _host.Logging.AddFilter("Microsoft.Extensions.Http", LogLevel.Warning);
    }

    public ConfigurationManager Configuration => _host.Configuration;

    public IServiceCollection Services => _host.Services;

    public ILoggingBuilder Logging => _host.Logging;

    public IHostEnvironment Environment => _host.Environment;

    public IReadOnlyList<IResource> Resources => _resources;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"A resource named '{resource.Name}' was already added.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    public DistributedApplication Build()
    {
        foreach (var project in _resources.OfType<ProjectResource>())
        {
            var configured = Configuration[$"{AppHostSettings.ReplicasSection}:{project.Name}"];
            if (configured is not null)
            {
                project.Replicas = int.TryParse(configured, CultureInfo.InvariantCulture, out var replicas) && replicas >= 1
                    ? replicas
                    : throw new DistributedApplicationException($"{AppHostSettings.ReplicasSection}:{project.Name} = '{configured}' is not a positive number.");
            }
        }

        var settings = AppHostSettings.FromConfiguration(Configuration);
        var services = _host.Services;
        services.AddSingleton(settings);
        services.AddSingleton(new DistributedApplicationModel(_resources.ToList()));
        services.AddSingleton<PortAllocator>();
        services.AddSingleton(sp => new StateStore(settings.StateDirectory, sp.GetRequiredService<PortAllocator>(), sp.GetRequiredService<ILogger<StateStore>>()));
        services.AddSingleton<ProcessLauncher>();
        services.AddSingleton<ResourceNotificationService>();
        services.AddSingleton<ResourceLoggerService>();
        services.TryAddSingleton<IResourceOutputSink, ConsoleResourceOutputSink>();
        services.AddSingleton<RunnerContext>();
        services.AddSingleton<Orchestrator>();
        services.AddSingleton<ResourceTablePrinter>();
        services.AddHostedService<OrchestratorHostedService>();
        services.AddHttpClient(nameof(ProjectRunner), c => c.Timeout = TimeSpan.FromSeconds(5));
        services.AddHttpClient(nameof(DashboardContainerRunner), c => c.Timeout = TimeSpan.FromSeconds(5));
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        return new DistributedApplication(_host.Build());
    }

    /// <summary><c>--replicas payments=3[,orders=2]</c> becomes <c>Gozon:Replicas:payments=3</c>.</summary>
    private static string[] TranslateArguments(string[] args)
    {
        var result = new List<string>();
        for (var i = 0; i < args.Length; i++)
        {
            var arg = args[i];
            string? value = null;
            if (arg == "--replicas" && i + 1 < args.Length)
            {
                value = args[++i];
            }
            else if (arg.StartsWith("--replicas=", StringComparison.Ordinal))
            {
                value = arg["--replicas=".Length..];
            }

            if (value is null)
            {
                result.Add(arg);
                continue;
            }

            foreach (var pair in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var parts = pair.Split('=', 2);
                if (parts.Length != 2)
                {
                    throw new DistributedApplicationException($"--replicas expects name=count, got '{pair}'.");
                }

                result.Add($"--{AppHostSettings.ReplicasSection}:{parts[0]}={parts[1]}");
            }
        }

        return result.ToArray();
    }
}
