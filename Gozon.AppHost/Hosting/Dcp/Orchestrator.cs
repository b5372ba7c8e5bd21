using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// Turns the resource model into runners (choosing Process / Container / External per resource),
/// starts each once its WaitFor dependencies are healthy, and stops services before infrastructure.
/// </summary>
internal sealed partial class Orchestrator(
    DistributedApplicationModel model,
    RunnerContext context,
    IConfiguration configuration,
    ILogger<Orchestrator> logger) : IResourceRunnerLookup, IAsyncDisposable
{
    private readonly Dictionary<string, ResourceRunner> _runners = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<Task> _startups = [];
    private DashboardContainerRunner? _dashboard;

    public string? DashboardOtlpEndpoint => _dashboard?.OtlpEndpoint;

    public IReadOnlyCollection<ResourceRunner> Runners => _runners.Values;

    public ResourceRunner Get(string resourceName) =>
        _runners.TryGetValue(resourceName, out var runner)
            ? runner
            : throw new ArgumentException($"Unknown resource '{resourceName}'. Known: {string.Join(", ", _runners.Keys)}", nameof(resourceName));

    /// <summary>Creates the runners and begins starting them in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        context.Runners = this;
        var mode = context.Settings.Infrastructure;
        if (mode == InfrastructureMode.Auto && NeedsLocalInfrastructure())
        {
            mode = await DockerDetector.IsAvailableAsync(cancellationToken).ConfigureAwait(false)
                ? InfrastructureMode.Container
                : InfrastructureMode.Process;
        }

        LogMode(context.Settings.Infrastructure, mode, context.Settings.StateDirectory);
        if (mode == InfrastructureMode.Container)
        {
            _dashboard = new DashboardContainerRunner(context);
            _runners.Add(_dashboard.Resource.Name, _dashboard);
        }

        foreach (var resource in model.Resources)
        {
            _runners.Add(resource.Name, CreateRunner(resource, mode));
        }

        foreach (var runner in _runners.Values)
        {
            _startups.Add(StartResourceAsync(runner, _stopping.Token));
        }
    }

    /// <summary>(Re)starts a resource that was stopped, after its dependencies are healthy.</summary>
    public Task StartResourceAsync(string resourceName, CancellationToken cancellationToken) =>
        StartResourceAsync(Get(resourceName), cancellationToken);

    public async Task StopResourceAsync(string resourceName, CancellationToken cancellationToken)
    {
        var runner = Get(resourceName);
        LogStopping(resourceName);
        await runner.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops projects (dependents first), then databases, then servers and containers.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await Task.WhenAll(_startups).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Start-up failures were already reported.
        }

        var projects = _runners.Values.OfType<ProjectRunner>().ToList();
        var remaining = new HashSet<ResourceRunner>(projects);
        while (remaining.Count > 0)
        {
            // A project stops once nothing still running depends on it.
            var wave = remaining
                .Where(r => !remaining.Any(o => o.Resource is Resource res && res.References.Contains(r.Resource)))
                .ToList();
            if (wave.Count == 0)
            {
                wave = remaining.ToList();
            }

            await Task.WhenAll(wave.Select(r => r.StopAsync(cancellationToken))).ConfigureAwait(false);
            remaining.ExceptWith(wave);
        }

        await Task.WhenAll(_runners.Values.OfType<PostgresDatabaseRunner>().Select(r => r.StopAsync(cancellationToken))).ConfigureAwait(false);
        await Task.WhenAll(_runners.Values
            .Where(r => r is not ProjectRunner and not PostgresDatabaseRunner)
            .Select(r => r.StopAsync(cancellationToken))).ConfigureAwait(false);
        LogStopped();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners.Values)
        {
            await runner.DisposeAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private async Task StartResourceAsync(ResourceRunner runner, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var token = linked.Token;
        try
        {
            var dependencies = new List<IResource>();
            if (runner.Resource is Resource resource)
            {
                dependencies.AddRange(resource.WaitForResources);
            }

            if (runner.Resource is IResourceWithParent child)
            {
                dependencies.Add(child.Parent);
            }

            if (runner is ProjectRunner && _dashboard is not null)
            {
                dependencies.Add(_dashboard.Resource);
            }

            if (dependencies.Count > 0)
            {
                runner.SetState(ResourceState.Waiting);
                foreach (var dependency in dependencies.Distinct())
                {
                    LogWaiting(runner.Resource.Name, dependency.Name);
                    await context.Notifications.WaitForResourceHealthyAsync(dependency.Name, token).ConfigureAwait(false);
                }
            }

            await runner.StartAsync(token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LogStartFailed(ex, runner.Resource.Name, ex.Message);
            context.ResourceLogs.WriteLine(runner.ReplicaNames[0], $"failed to start: {ex.Message}", isError: true);
            runner.SetState(ResourceState.FailedToStart, ex.Message);
        }
    }

    private bool NeedsLocalInfrastructure() =>
        model.Resources.Any(r => r is PostgresServerResource or RabbitMQServerResource
                                 && string.IsNullOrWhiteSpace(configuration.GetConnectionString(r.Name)));

    private ResourceRunner CreateRunner(IResource resource, InfrastructureMode mode)
    {
        var external = configuration.GetConnectionString(resource.Name);
        var useExternal = (!string.IsNullOrWhiteSpace(external) && mode != InfrastructureMode.Process)
            || mode == InfrastructureMode.External;
        return resource switch
        {
            ProjectResource project => new ProjectRunner(project, context),
            PostgresDatabaseResource database => new PostgresDatabaseRunner(database, context),
            PostgresServerResource postgres when useExternal =>
                new ExternalResourceRunner(postgres, RequireConnectionString(postgres, external), Probes.PostgresAsync, context),
            RabbitMQServerResource rabbit when useExternal =>
                new ExternalResourceRunner(rabbit, RequireConnectionString(rabbit, external), Probes.RabbitMQAsync, context),
            PostgresServerResource postgres when mode == InfrastructureMode.Container => new PostgresContainerRunner(postgres, context),
            RabbitMQServerResource rabbit when mode == InfrastructureMode.Container => new RabbitMQContainerRunner(rabbit, context),
            PostgresServerResource postgres => new PostgresProcessRunner(postgres, context),
            RabbitMQServerResource rabbit => new RabbitMQProcessRunner(rabbit, context),
            _ => throw new DistributedApplicationException($"Resource '{resource.Name}' of type {resource.GetType().Name} is not supported."),
        };
    }

    private static string RequireConnectionString(IResource resource, string? value) =>
        string.IsNullOrWhiteSpace(value)
            ? throw new DistributedApplicationException(
                $"{AppHostSettings.InfrastructureKey} is External but ConnectionStrings:{resource.Name} is not set (env ConnectionStrings__{resource.Name}).")
            : value;

    [LoggerMessage(Level = LogLevel.Information, Message = "Infrastructure mode {ConfiguredMode} -> {Mode}; state folder {StateDirectory}")]
    private partial void LogMode(InfrastructureMode configuredMode, InfrastructureMode mode, string stateDirectory);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Resource} waits for {Dependency} to be healthy")]
    private partial void LogWaiting(string resource, string dependency);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} failed to start: {Reason}")]
    private partial void LogStartFailed(Exception exception, string resource, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stopping {Resource}")]
    private partial void LogStopping(string resource);

    [LoggerMessage(Level = LogLevel.Information, Message = "All resources stopped")]
    private partial void LogStopped();
}
