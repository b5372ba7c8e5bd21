using System.Text;
using Gozon.AppHost.Hosting.Dcp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting;

/// <summary>The running system: start, wait for health, run until SIGINT/SIGTERM, stop everything.</summary>
public sealed partial class DistributedApplication : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly ILogger<DistributedApplication> _logger;
    private readonly Lock _lock = new();
    private bool _started;
    private bool _stopped;

    internal DistributedApplication(IHost host)
    {
        _host = host;
        _logger = host.Services.GetRequiredService<ILogger<DistributedApplication>>();
    }

    public IServiceProvider Services => _host.Services;

    public ResourceNotificationService ResourceNotifications => Services.GetRequiredService<ResourceNotificationService>();

    public ResourceLoggerService ResourceLogs => Services.GetRequiredService<ResourceLoggerService>();

    private Orchestrator Orchestrator => Services.GetRequiredService<Orchestrator>();

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => new DistributedApplicationBuilder(args);

    /// <summary>
    /// Starts every resource and returns when all are healthy. Throws <see cref="DistributedApplicationException"/>
    /// (with the failing resources' last 50 log lines) when one fails or <c>Gozon:StartupTimeout</c> elapses.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            _started = true;
        }

        await _host.StartAsync(cancellationToken).ConfigureAwait(false);
        var timeout = Services.GetRequiredService<AppHostSettings>().StartupTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (timeout is { } t)
        {
            deadline.CancelAfter(t);
        }

        try
        {
            await ResourceNotifications.WaitForAsync(
                snapshots =>
                {
                    if (snapshots.Any(s => s.State == ResourceState.FailedToStart))
                    {
                        throw new DistributedApplicationException(DescribeProblems("A resource failed to start."));
                    }

                    return snapshots.All(s => s.IsHealthy);
                },
                deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DistributedApplicationException(DescribeProblems($"Resources were not healthy within {timeout}."));
        }
    }

    /// <summary>Starts, then blocks until SIGINT/SIGTERM (or <paramref name="cancellationToken"/>), then stops everything.</summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        var lifetime = Services.GetRequiredService<IHostApplicationLifetime>();
        try
        {
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            await StartAsync(stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
        catch (DistributedApplicationException ex)
        {
            LogStartupFailed(ex.Message);
            Environment.ExitCode = 1;
            lifetime.StopApplication();
        }

        await _host.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _stopped = true;
        }
    }

    /// <summary>Stops services (dependents first), then infrastructure.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_stopped || !_started)
            {
                _stopped = true;
                return;
            }

            _stopped = true;
        }

        await _host.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops one resource (all replicas) without restarting it, e.g. <c>postgres</c> or <c>rabbitmq</c>.</summary>
    public Task StopAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Orchestrator.StopResourceAsync(resourceName, cancellationToken);

    /// <summary>Starts a resource stopped by <see cref="StopAsync(string, CancellationToken)"/>; returns once launched.</summary>
    public Task StartAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Orchestrator.StartResourceAsync(resourceName, cancellationToken);

    /// <summary>SIGKILLs one replica; the supervisor restarts it after a short backoff (same port, same environment).</summary>
    public Task KillAsync(string resourceName, int replica = 0, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!Orchestrator.Get(resourceName).Kill(replica))
        {
            throw new InvalidOperationException($"{resourceName} replica {replica} has no running process to kill.");
        }

        return Task.CompletedTask;
    }

    public Task WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        ResourceNotifications.WaitForResourceHealthyAsync(resourceName, cancellationToken);

    public Task<string?> GetConnectionStringAsync(string resourceName, CancellationToken cancellationToken = default) =>
        Orchestrator.Get(resourceName).GetConnectionStringAsync(cancellationToken);

    /// <summary>HTTP endpoint of one replica of a project.</summary>
    public Uri GetEndpoint(string resourceName, int replica = 0) =>
        Orchestrator.Get(resourceName).GetEndpoint(replica)
        ?? throw new InvalidOperationException($"Resource '{resourceName}' has no HTTP endpoint.");

    public int GetReplicaCount(string resourceName) => Orchestrator.Get(resourceName).ReplicaNames.Count;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            if (_host is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync().ConfigureAwait(false);
            }
            else
            {
                _host.Dispose();
            }
        }
    }

    private string DescribeProblems(string headline)
    {
        var snapshots = ResourceNotifications.GetSnapshots();
        var text = new StringBuilder().AppendLine(headline).AppendLine(ResourceTablePrinter.Format(snapshots));
        foreach (var snapshot in snapshots.Where(s => !s.IsHealthy && s.State != ResourceState.Waiting))
        {
            text.AppendLine($"--- {snapshot.ReplicaName}: {snapshot.State}/{snapshot.Health}{(snapshot.Error is null ? "" : " - " + snapshot.Error)}; last 50 lines:");
            foreach (var line in ResourceLogs.GetRecentLines(snapshot.ReplicaName, 50))
            {
                text.AppendLine(line);
            }
        }

        return text.ToString();
    }

    [LoggerMessage(Level = LogLevel.Critical, Message = "Gozon could not start: {Reason}")]
    private partial void LogStartupFailed(string reason);
}
