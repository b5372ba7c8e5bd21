using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// A private RabbitMQ node from the Debian <c>rabbitmq-server</c> package on a free port, with its own
/// node name, config, mnesia and cookie under the state folder (never the system node on 5672).
/// </summary>
internal sealed partial class RabbitMQProcessRunner(RabbitMQServerResource resource, RunnerContext context)
    : ProcessResourceRunner(resource, "RabbitMQ (process)", 1, context)
{
    private const string RabbitUser = "rabbitmq";
    private const string PackageScript = "/usr/lib/rabbitmq/bin/rabbitmq-server";
    private readonly TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _server = "";
    private string _rabbitmqctl = "";
    private string _root = "";
    private string _nodeName = "";
    private int _port;
    private Dictionary<string, string?> _environment = [];

    public override Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        _connectionString.Task.WaitAsync(cancellationToken)!;

    protected override string? GetDisplayUrl() => _port == 0 ? null : $"amqp://127.0.0.1:{_port}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _server = File.Exists(PackageScript) ? PackageScript : UnixEnvironment.FindOnPath("rabbitmq-server")
            ?? throw new DistributedApplicationException(
                "rabbitmq-server was not found. Install it: apt-get install rabbitmq-server " +
                "(or set ConnectionStrings__rabbitmq to use an existing broker)");
        var sbin = Path.GetDirectoryName(_server)!;
        _rabbitmqctl = File.Exists(Path.Combine(sbin, "rabbitmqctl")) ? Path.Combine(sbin, "rabbitmqctl") : UnixEnvironment.FindOnPath("rabbitmqctl") ?? "rabbitmqctl";

        _port = Context.State.GetOrCreatePort("rabbitmq");
        var distPort = Context.State.GetOrCreatePort("rabbitmq-dist");
        var user = "gozon";
        var password = Context.State.GetOrCreateSecret("rabbitmq-password");
        _nodeName = string.Create(CultureInfo.InvariantCulture, $"gozon-{_port}@localhost");

        _root = Context.State.GetDirectory("rabbitmq");
        var home = Path.Combine(_root, "home");
        var mnesia = Path.Combine(_root, "mnesia");
        var logs = Path.Combine(_root, "log");
        foreach (var dir in new[] { home, mnesia, logs })
        {
            Directory.CreateDirectory(dir);
        }

        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq.conf"), string.Join('\n',
        [
            string.Create(CultureInfo.InvariantCulture, $"listeners.tcp.default = 127.0.0.1:{_port}"),
            "loopback_users = none",
            $"default_user = {user}",
            $"default_pass = {password}",
            "log.console = true",
            "log.console.level = info",
            "log.connection.level = warning",
            "log.file = false",
            "",
        ]), cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_root, "enabled_plugins"), "[].\n", cancellationToken).ConfigureAwait(false);
        await File.WriteAllTextAsync(Path.Combine(_root, "rabbitmq-env.conf"), "# Gozon: isolates this node from /etc/rabbitmq\n", cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.Combine(_root, "rabbitmq.conf"), UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }


        _environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["HOME"] = home,
            ["RABBITMQ_NODENAME"] = _nodeName,
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(_root, "rabbitmq"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(_root, "advanced.config"),
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(_root, "rabbitmq-env.conf"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(_root, "enabled_plugins"),
            ["RABBITMQ_MNESIA_BASE"] = mnesia,
            ["RABBITMQ_LOG_BASE"] = logs,
            ["RABBITMQ_LOGS"] = "-",
            ["RABBITMQ_PID_FILE"] = Path.Combine(_root, "rabbitmq.pid"),
            ["RABBITMQ_DIST_PORT"] = distPort.ToString(CultureInfo.InvariantCulture),
            ["ERL_EPMD_ADDRESS"] = null,
        };

        if (UnixEnvironment.IsRoot)
        {
            await UnixEnvironment.ChownAsync(_root, RabbitUser, cancellationToken).ConfigureAwait(false);
        }

        _connectionString.TrySetResult(string.Create(CultureInfo.InvariantCulture,
            $"amqp://{Uri.EscapeDataString(user)}:{Uri.EscapeDataString(password)}@127.0.0.1:{_port}/"));
    }

    protected override Task<ProcessSpec> CreateProcessSpecAsync(int replica, CancellationToken cancellationToken) =>
        Task.FromResult(new ProcessSpec(_server, [], _root)
        {
            // The package script under /usr/lib runs as whoever calls it; /usr/sbin's wrapper su's by itself.
            RunAsUser = UnixEnvironment.IsRoot && _server == PackageScript ? RabbitUser : null,
            Environment = _environment,
            StopSignal = NativeMethods.SIGTERM,
            StopFallback = StopWithRabbitmqctlAsync,
        });

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        await Probes.RabbitMQAsync(await _connectionString.Task.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    protected override async Task OnStoppedAsync(CancellationToken cancellationToken)
    {
        // A beam that outlived its process group (should not happen) is stopped by name, then killed.
        var pidFile = _environment.GetValueOrDefault("RABBITMQ_PID_FILE");
        if (pidFile is null || !File.Exists(pidFile)
            || !int.TryParse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture, out var pid)
            || NativeMethods.Kill(pid, 0) != 0)
        {
            return;
        }

        LogStrayNode(_nodeName, pid);
        await StopWithRabbitmqctlAsync(cancellationToken).ConfigureAwait(false);
        _ = NativeMethods.Kill(pid, NativeMethods.SIGKILL);
    }

    private async Task StopWithRabbitmqctlAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RabbitmqctlAsync(["-n", _nodeName, "stop"], cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            LogRabbitmqctlFailed(exitCode, output.Trim());
        }
    }

    private Task<(int ExitCode, string Output)> RabbitmqctlAsync(string[] arguments, CancellationToken cancellationToken)
    {
        if (_rabbitmqctl.Length == 0)
        {
            return Task.FromResult((1, "not prepared"));
        }

        if (UnixEnvironment.IsRoot && UnixEnvironment.FindOnPath("setpriv") is { } setpriv)
        {
            return UnixEnvironment.RunAsync(setpriv,
                [$"--reuid={RabbitUser}", $"--regid={RabbitUser}", "--init-groups", "--", _rabbitmqctl, .. arguments],
                cancellationToken, _environment);
        }

        return UnixEnvironment.RunAsync(_rabbitmqctl, arguments, cancellationToken, _environment);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "RabbitMQ node {NodeName} (pid {ProcessId}) outlived its process group; stopping it")]
    private partial void LogStrayNode(string nodeName, int processId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "rabbitmqctl stop exited with {ExitCode}: {Output}")]
    private partial void LogRabbitmqctlFailed(int exitCode, string output);
}
