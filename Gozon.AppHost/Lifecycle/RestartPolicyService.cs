using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Lifecycle;

/// <summary>Watches every resource with a <see cref="RestartPolicyAnnotation"/> and starts its replicas again when they die.</summary>
internal sealed partial class RestartPolicyService(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    StopRequests stopRequests,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<RestartPolicyService> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, ReplicaHistory> _replicas = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping.Token))
            {
                if (update.Resource.TryGetLastAnnotation<RestartPolicyAnnotation>(out var policy))
                {
                    Observe(update, policy, stopping.Token);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost is stopping: its resources stop on purpose.
        }
    }

    private void Observe(ResourceEvent update, RestartPolicyAnnotation policy, CancellationToken cancellationToken)
    {
        var state = update.Snapshot.State?.Text;
        var history = _replicas.GetOrAdd(update.ResourceId, _ => new ReplicaHistory());
        var terminal = state is not null && KnownResourceStates.TerminalStates.Contains(state);
        if (!terminal)
        {
            if (state == KnownResourceStates.Stopping)
            {
                // Asked to stop (dashboard, resource command, shutdown): however it exits, it did not die.
                history.AliveSince = null;
                return;
            }

            if (state is not null && state != KnownResourceStates.NotStarted)
            {
                history.AliveSince ??= timeProvider.GetUtcNow();
            }

            return;
        }

        if (update.Snapshot.ExitCode is null or 0 || history.AliveSince is not { } since)
        {
            return;
        }

        // One restart per death: later snapshots of the same exit find AliveSince cleared.
        history.AliveSince = null;
        if (timeProvider.GetUtcNow() - since >= policy.StableAfter)
        {
            history.Failures = 0;
        }

        var delay = policy.DelayFor(history.Failures++);
        LogRestarting(update.ResourceId, update.Snapshot.ExitCode, delay, history.Failures);
        _ = RestartAsync(update.ResourceId, update.Resource.Name, timeProvider.GetUtcNow(), delay, cancellationToken);
    }

    private async Task RestartAsync(string resourceId, string resourceName, DateTimeOffset diedAt, TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken);
            if (stopRequests.RequestedSince(resourceId, diedAt) || stopRequests.RequestedSince(resourceName, diedAt))
            {
                LogRestartCancelled(resourceId);
                return;
            }

            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, cancellationToken);
            if (!result.Success)
            {
                LogRestartFailed(resourceId, result.Message);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down: nothing to restart.
        }
    }

    private sealed class ReplicaHistory
    {
        /// <summary>When the replica was last seen starting or running; <c>null</c> once its death is handled.</summary>
        public DateTimeOffset? AliveSince { get; set; }

        public int Failures { get; set; }
    }

    [LoggerMessage(LogLevel.Warning, "{Replica} exited with code {ExitCode}; restarting it in {Delay} (failure {Failures} in a row)")]
    private partial void LogRestarting(string replica, int? exitCode, TimeSpan delay, int failures);

    [LoggerMessage(LogLevel.Information, "{Replica} was asked to stop while its restart was pending; it stays stopped")]
    private partial void LogRestartCancelled(string replica);

    [LoggerMessage(LogLevel.Error, "Restarting {Replica} failed: {Message}")]
    private partial void LogRestartFailed(string replica, string? message);
}
