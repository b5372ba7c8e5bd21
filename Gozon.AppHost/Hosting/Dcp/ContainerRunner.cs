using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// <c>docker run --rm --init --pull never</c> attached (so its output streams), named <c>gozon-{resource}</c>, data in
/// a named volume that outlives the container. A leftover container of that name (crashed run) is removed before
/// every launch. Stopped with SIGTERM: the CLI proxies it to the container, whose init (<c>--init</c>: PID 1 ignores
/// signals it has no handler for) passes it on; after the grace period <c>docker rm -f</c>.
/// </summary>
internal abstract partial class ContainerRunner(IResource resource, string kind, RunnerContext context)
    : ProcessResourceRunner(resource, kind, 1, context)
{
    private string _docker = "docker";
    private readonly Lock _repairLock = new();
    private Task _repair = Task.CompletedTask;

    protected string ContainerName => $"gozon-{Resource.Name}";

    protected abstract string Image { get; }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _docker = UnixEnvironment.FindOnPath("docker")
            ?? throw new DistributedApplicationException("docker was not found on PATH; install Docker or use Gozon:Infrastructure=Process.");
        await EnsureImageAsync(cancellationToken).ConfigureAwait(false);

        // Before ports are claimed: a leftover may still publish them.
        await RemoveLeftoverAsync(cancellationToken).ConfigureAwait(false);
        await PrepareContainerAsync(cancellationToken).ConfigureAwait(false);
    }

    protected virtual Task PrepareContainerAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ports (host loopback → container), environment and volumes of <c>docker run</c>.</summary>
    protected abstract IEnumerable<string> GetRunArguments();

    protected override async Task<ProcessSpec> CreateProcessSpecAsync(int replica, CancellationToken cancellationToken)
    {
        await RemoveLeftoverAsync(cancellationToken).ConfigureAwait(false);
        var arguments = new List<string>
        {
            "run", "--rm", "--init", "--pull", "never", "--name", ContainerName, "--label", "gozon.resource=" + Resource.Name,
        };
        arguments.AddRange(GetRunArguments());
        arguments.Add(Image);
        return new ProcessSpec(_docker, arguments, Context.State.Root)
        {
            StopSignal = NativeMethods.SIGTERM,
            StopFallback = RemoveContainerAsync,
        };
    }

    protected override Task OnStoppedAsync(CancellationToken cancellationToken) => RemoveContainerAsync(cancellationToken);

    protected static IEnumerable<string> Publish(int hostPort, int containerPort) =>
        ["-p", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{hostPort}:{containerPort}")];

    protected static IEnumerable<string> Env(string name, string value) => ["-e", $"{name}={value}"];

    protected IEnumerable<string> Volume(string containerPath) => ["-v", $"gozon-{Resource.Name}-data:{containerPath}"];

    /// <summary>Runs <c>docker exec {container} ...</c>; returns exit code and output.</summary>
    protected Task<(int ExitCode, string Output)> ExecAsync(IEnumerable<string> command, CancellationToken cancellationToken) =>
        UnixEnvironment.RunAsync(_docker, ["exec", ContainerName, .. command], cancellationToken);

    /// <summary>
    /// Runs <paramref name="repair"/> (e.g. resetting credentials with <c>docker exec</c>) in the background, one at a
    /// time, outside the probe's timeout; a failure is logged as an error and in the resource's log.
    /// Returns false when a repair is already running.
    /// </summary>
    protected bool StartRepair(Func<CancellationToken, Task> repair)
    {
        lock (_repairLock)
        {
            if (!_repair.IsCompleted)
            {
                return false;
            }

            _repair = Task.Run(
                async () =>
                {
                    try
                    {
                        await repair(Disposing).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        LogRepairFailed(ContainerName, ex.Message);
                        Context.ResourceLogs.WriteLine(ReplicaNames[0], ex.Message, isError: true);
                    }
                },
                CancellationToken.None);
            return true;
        }
    }

    /// <summary>Runs <c>docker exec</c> and throws with its output (and how to start afresh) when it fails.</summary>
    protected async Task ExecOrThrowAsync(IReadOnlyList<string> command, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await ExecAsync(command, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new DistributedApplicationException(
                $"`docker exec {ContainerName} {string.Join(' ', command.Take(2))}` failed ({exitCode}): {output.Trim()}. "
                + $"To start afresh: docker volume rm gozon-{Resource.Name}-data");
        }
    }

    private async Task EnsureImageAsync(CancellationToken cancellationToken)
    {
        var (exitCode, _) = await UnixEnvironment.RunAsync(_docker, ["image", "inspect", "--format", "{{.Id}}", Image], cancellationToken)
            .ConfigureAwait(false);
        if (exitCode == 0)
        {
            return;
        }

        var (infoExit, info) = await UnixEnvironment.RunAsync(_docker, ["info", "--format", "{{.ServerVersion}}"], cancellationToken)
            .ConfigureAwait(false);
        throw new DistributedApplicationException(infoExit != 0
            ? $"The Docker engine does not answer ({FirstLine(info)}); start dockerd or use Gozon:Infrastructure=Process."
            : $"Image {Image} is not on this machine and the AppHost never pulls: run `docker pull {Image}` "
              + "(offline: bash /work/shared/tools/docker-standins.sh) or use Gozon:Infrastructure=Process.");
    }

    private async Task RemoveLeftoverAsync(CancellationToken cancellationToken)
    {
        var (exitCode, state) = await UnixEnvironment.RunAsync(
            _docker, ["container", "inspect", "--format", "{{.State.Status}}", ContainerName], cancellationToken).ConfigureAwait(false);
        if (exitCode == 0)
        {
            LogLeftover(ContainerName, state.Trim());
            await RemoveContainerAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RemoveContainerAsync(CancellationToken cancellationToken) =>
        await UnixEnvironment.RunAsync(_docker, ["rm", "-f", ContainerName], cancellationToken).ConfigureAwait(false);

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "no output";

    [LoggerMessage(Level = LogLevel.Error, Message = "Repairing {Container} failed: {Reason}")]
    private partial void LogRepairFailed(string container, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing leftover container {Container} ({State}) from an earlier run")]
    private partial void LogLeftover(string container, string state);
}
