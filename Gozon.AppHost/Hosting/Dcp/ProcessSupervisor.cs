using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// Keeps one replica's process running: starts it, restarts it after a short backoff when it exits
/// unexpectedly (same spec: same port, same environment), and stops it with signal, grace period, SIGKILL.
/// </summary>
internal sealed partial class ProcessSupervisor(
    string replicaName,
    Func<CancellationToken, Task<ProcessSpec>> specFactory,
    ProcessLauncher launcher,
    ResourceLoggerService resourceLogs,
    ResourceNotificationService notifications,
    ILogger logger)
{
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan StableUptime = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private CancellationTokenSource? _stopping;
    private Task? _loop;
    private Process? _current;
    private ProcessSpec? _currentSpec;

    public bool IsActive
    {
        get
        {
            lock (_lock)
            {
                return _loop is { IsCompleted: false } && _stopping is { IsCancellationRequested: false };
            }
        }
    }

    public void Start()
    {
        lock (_lock)
        {
            if (_loop is { IsCompleted: false })
            {
                return;
            }

            _stopping = new CancellationTokenSource();
            var token = _stopping.Token;
            _loop = Task.Run(() => SuperviseAsync(token), CancellationToken.None);
        }
    }

    /// <summary>SIGKILLs the process group; the supervisor treats it as a crash and restarts it.</summary>
    public bool Kill()
    {
        Process? process;
        lock (_lock)
        {
            process = _current;
        }

        if (process is null)
        {
            return false;
        }

        Signal(process, NativeMethods.SIGKILL);
        return true;
    }

    public async Task StopAsync(TimeSpan grace)
    {
        Task? loop;
        Process? process;
        ProcessSpec? spec;
        lock (_lock)
        {
            _stopping?.Cancel();
            loop = _loop;
            process = _current;
            spec = _currentSpec;
        }

        if (process is not null && spec is not null)
        {
            notifications.Update(replicaName, s => s with { State = ResourceState.Stopping });
            await TerminateAsync(process, spec, grace).ConfigureAwait(false);
        }

        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }
    }

    private async Task SuperviseAsync(CancellationToken stopping)
    {
        var backoff = InitialBackoff;
        while (!stopping.IsCancellationRequested)
        {
            notifications.Update(replicaName, s => s with { State = ResourceState.Starting, Error = null, ExitCode = null });
            Process process;
            ProcessSpec spec;
            try
            {
                spec = await specFactory(stopping).ConfigureAwait(false);
                process = await launcher.StartAsync(spec, (line, isError) => resourceLogs.WriteLine(replicaName, line, isError)).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogStartFailed(ex, replicaName);
                resourceLogs.WriteLine(replicaName, $"failed to start: {ex.Message}", isError: true);
                notifications.Update(replicaName, s => s with { State = ResourceState.FailedToStart, Error = ex.Message, ProcessId = null });
                return;
            }

            var started = Stopwatch.StartNew();
            var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            process.Exited += (_, _) => exited.TrySetResult();
            lock (_lock)
            {
                _current = process;
                _currentSpec = spec;
            }

            if (process.HasExited)
            {
                exited.TrySetResult();
            }

            LogStarted(replicaName, process.Id);
            notifications.Update(replicaName, s => s with { State = ResourceState.Running, ProcessId = process.Id });
            if (stopping.IsCancellationRequested)
            {
                // StopAsync ran between launch and registration: it could not see this process.
                await TerminateAsync(process, spec, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
            }

            await exited.Task.ConfigureAwait(false);
            var exitCode = process.ExitCode;

            // Sweep whatever is left in the group (worker processes of a crashed parent).
            Signal(process, NativeMethods.SIGKILL);
            lock (_lock)
            {
                _current = null;
            }

            process.Dispose();

            if (stopping.IsCancellationRequested)
            {
                LogStopped(replicaName, exitCode);
                notifications.Update(replicaName, s => s with { State = ResourceState.Stopped, ExitCode = exitCode, ProcessId = null, Health = HealthStatus.Unknown });
                return;
            }

            backoff = started.Elapsed > StableUptime ? InitialBackoff : backoff;
            LogCrashed(replicaName, exitCode, backoff.TotalSeconds);
            resourceLogs.WriteLine(replicaName, $"exited unexpectedly with code {exitCode}; restarting in {backoff.TotalSeconds:0.#} s", isError: true);
            notifications.Update(replicaName, s => s with { State = ResourceState.Restarting, ExitCode = exitCode, ProcessId = null, Health = HealthStatus.Unhealthy });
            try
            {
                await Task.Delay(backoff, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                notifications.Update(replicaName, s => s with { State = ResourceState.Stopped });
                return;
            }

            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }

        notifications.Update(replicaName, s => s with { State = ResourceState.Stopped, ProcessId = null });
    }

    private async Task TerminateAsync(Process process, ProcessSpec spec, TimeSpan grace)
    {
        if (HasExited(process))
        {
            return;
        }

        Signal(process, spec.StopSignal);
        if (await WaitForExitAsync(process, grace).ConfigureAwait(false))
        {
            return;
        }

        if (spec.StopFallback is not null)
        {
            LogStopFallback(replicaName);
            try
            {
                using var cts = new CancellationTokenSource(grace);
                await spec.StopFallback(cts.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogStopFallbackFailed(ex, replicaName);
            }

            if (await WaitForExitAsync(process, grace).ConfigureAwait(false))
            {
                return;
            }
        }

        LogKilling(replicaName, grace.TotalSeconds);
        Signal(process, NativeMethods.SIGKILL);
        await WaitForExitAsync(process, TimeSpan.FromSeconds(10)).ConfigureAwait(false);
    }

    private static async Task<bool> WaitForExitAsync(Process process, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (!HasExited(process))
            {
                await Task.Delay(50, cts.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException)
        {
            return HasExited(process);
        }
    }

    private static bool HasExited(Process process)
    {
        try
        {
            return process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return true;
        }
    }

    private void Signal(Process process, int signal)
    {
        int pid;
        try
        {
            pid = process.Id;
        }
        catch (InvalidOperationException)
        {
            return;
        }

        if (OperatingSystem.IsWindows())
        {
            if (!HasExited(process))
            {
                process.Kill(entireProcessTree: true);
            }

            return;
        }

        // The group first (setsid made pid == pgid), then the process itself in case it has no group of its own.
        if (launcher.UsesProcessGroups)
        {
            _ = NativeMethods.Kill(-pid, signal);
        }

        if (!HasExited(process))
        {
            _ = NativeMethods.Kill(pid, signal);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Replica} started as process {ProcessId}")]
    private partial void LogStarted(string replica, int processId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Replica} stopped (exit code {ExitCode})")]
    private partial void LogStopped(string replica, int exitCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Replica} exited unexpectedly with code {ExitCode}; restarting in {BackoffSeconds} s")]
    private partial void LogCrashed(string replica, int exitCode, double backoffSeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Replica} could not be started")]
    private partial void LogStartFailed(Exception exception, string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Replica} ignored the stop signal; trying its stop command")]
    private partial void LogStopFallback(string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stop command of {Replica} failed")]
    private partial void LogStopFallbackFailed(Exception exception, string replica);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Replica} did not stop within {GraceSeconds} s; killing it")]
    private partial void LogKilling(string replica, double graceSeconds);
}
