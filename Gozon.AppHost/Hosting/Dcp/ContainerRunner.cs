using System.Globalization;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// <c>docker run --rm</c> attached (so its output streams), named <c>gozon-{resource}</c>, data in a named
/// volume that outlives the container. Stopped with SIGTERM (proxied to the container) then <c>docker rm -f</c>.
/// </summary>
internal abstract class ContainerRunner(IResource resource, string kind, RunnerContext context)
    : ProcessResourceRunner(resource, kind, 1, context)
{
    private string _docker = "docker";

    protected string ContainerName => $"gozon-{Resource.Name}";

    protected abstract string Image { get; }

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _docker = UnixEnvironment.FindOnPath("docker")
            ?? throw new DistributedApplicationException("docker was not found; install Docker or use Gozon:Infrastructure=Process.");
        await RemoveContainerAsync(cancellationToken).ConfigureAwait(false);
        await PrepareContainerAsync(cancellationToken).ConfigureAwait(false);
    }

    protected virtual Task PrepareContainerAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ports (host loopback → container), environment and volumes of <c>docker run</c>.</summary>
    protected abstract IEnumerable<string> GetRunArguments();

    protected override Task<ProcessSpec> CreateProcessSpecAsync(int replica, CancellationToken cancellationToken)
    {
        var arguments = new List<string> { "run", "--rm", "--name", ContainerName, "--label", "gozon.resource=" + Resource.Name };
        arguments.AddRange(GetRunArguments());
        arguments.Add(Image);
        return Task.FromResult(new ProcessSpec(_docker, arguments, Context.State.Root)
        {
            StopSignal = NativeMethods.SIGTERM,
            StopFallback = RemoveContainerAsync,
        });
    }

    protected override Task OnStoppedAsync(CancellationToken cancellationToken) => RemoveContainerAsync(cancellationToken);

    protected static IEnumerable<string> Publish(int hostPort, int containerPort) =>
        ["-p", string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{hostPort}:{containerPort}")];

    protected static IEnumerable<string> Env(string name, string value) => ["-e", $"{name}={value}"];

    protected IEnumerable<string> Volume(string containerPath) => ["-v", $"gozon-{Resource.Name}-data:{containerPath}"];

    private async Task RemoveContainerAsync(CancellationToken cancellationToken) =>
        await UnixEnvironment.RunAsync(_docker, ["rm", "-f", ContainerName], cancellationToken).ConfigureAwait(false);
}
