using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// A private PostgreSQL server from the local binaries: <c>initdb</c> once into the state folder,
/// then <c>postgres</c> in the foreground (as the <c>postgres</c> user when the AppHost is root).
/// </summary>
internal sealed partial class PostgresProcessRunner(PostgresServerResource resource, RunnerContext context)
    : ProcessResourceRunner(resource, "PostgreSQL (process)", 1, context)
{
    private const string PostgresUser = "postgres";
    private string _binDirectory = "";
    private string _dataDirectory = "";
    private string _socketDirectory = "";
    private string _password = "";
    private int _port;
    private readonly TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        _connectionString.Task.WaitAsync(cancellationToken)!;

    protected override string? GetDisplayUrl() => _port == 0 ? null : $"tcp://127.0.0.1:{_port}";

    protected override async Task PrepareAsync(CancellationToken cancellationToken)
    {
        _binDirectory = FindBinDirectory() ?? throw new DistributedApplicationException(
            "PostgreSQL server binaries (initdb, postgres) were not found on PATH or under /usr/lib/postgresql/*/bin. " +
            "Install them: apt-get install postgresql");

        var root = Context.State.GetDirectory("postgres");
        _dataDirectory = Path.Combine(root, "data");
        _socketDirectory = Path.Combine(root, "run");
        Directory.CreateDirectory(_socketDirectory);
        _password = Context.State.GetOrCreateSecret("postgres-password");
        _port = Context.State.GetOrCreatePort("postgres");

        var initialised = File.Exists(Path.Combine(_dataDirectory, "PG_VERSION"));
        if (!initialised && Directory.Exists(_dataDirectory))
        {
            // A half-finished initdb from an interrupted run.
            Directory.Delete(_dataDirectory, recursive: true);
        }

        if (UnixEnvironment.IsRoot)
        {
            await UnixEnvironment.ChownAsync(root, PostgresUser, cancellationToken).ConfigureAwait(false);
        }

        if (!initialised)
        {
            await InitDbAsync(root, cancellationToken).ConfigureAwait(false);
        }

        _connectionString.TrySetResult(PostgresConnectionInfo.Create(_port, resource.UserName, _password));
    }

    protected override Task<ProcessSpec> CreateProcessSpecAsync(int replica, CancellationToken cancellationToken) =>
        Task.FromResult(new ProcessSpec(
            Path.Combine(_binDirectory, "postgres"),
            [
                "-D", _dataDirectory,
                "-p", _port.ToString(CultureInfo.InvariantCulture),
                "-h", "127.0.0.1",
                "-k", _socketDirectory,
                "-c", "max_connections=200",
            ],
            _dataDirectory)
        {
            RunAsUser = UnixEnvironment.IsRoot ? PostgresUser : null,
            // SIGINT = "fast" shutdown: disconnect clients, checkpoint, exit.
            StopSignal = NativeMethods.SIGINT,
            Environment = new Dictionary<string, string?> { ["LC_ALL"] = "C.UTF-8", ["PGDATA"] = null },
        });

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        await Probes.PostgresAsync(await _connectionString.Task.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    private async Task InitDbAsync(string root, CancellationToken cancellationToken)
    {
        LogInitDb(_dataDirectory);
        var passwordFile = Path.Combine(root, "initdb-password");
        await File.WriteAllTextAsync(passwordFile, _password, cancellationToken).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(passwordFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        try
        {
            var initdb = Path.Combine(_binDirectory, "initdb");
            var arguments = new List<string>();
            var fileName = initdb;
            if (UnixEnvironment.IsRoot)
            {
                await UnixEnvironment.ChownAsync(root, PostgresUser, cancellationToken).ConfigureAwait(false);
                fileName = UnixEnvironment.FindOnPath("setpriv")
                    ?? throw new DistributedApplicationException("setpriv is needed to run initdb as 'postgres': apt-get install util-linux");
                arguments.AddRange([$"--reuid={PostgresUser}", $"--regid={PostgresUser}", "--init-groups", "--", initdb]);
            }

            arguments.AddRange([
                "-D", _dataDirectory,
                "-U", resource.UserName,
                "--auth-host=scram-sha-256",
                "--auth-local=trust",
                $"--pwfile={passwordFile}",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]);
            var (exitCode, output) = await UnixEnvironment.RunAsync(fileName, arguments, cancellationToken).ConfigureAwait(false);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                Context.ResourceLogs.WriteLine(Resource.Name, "initdb: " + line);
            }

            if (exitCode != 0)
            {
                throw new DistributedApplicationException($"initdb failed with exit code {exitCode}: {output}");
            }
        }
        finally
        {
            File.Delete(passwordFile);
        }
    }

    private static string? FindBinDirectory()
    {
        var onPath = UnixEnvironment.FindOnPath("initdb");
        if (onPath is not null)
        {
            var resolved = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
            var dir = Path.GetDirectoryName(resolved)!;
            if (File.Exists(Path.Combine(dir, "postgres")))
            {
                return dir;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (!Directory.Exists(debianRoot))
        {
            return null;
        }

        return Directory.GetDirectories(debianRoot)
            .Select(d => (Dir: Path.Combine(d, "bin"), Version: double.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0))
            .Where(x => File.Exists(Path.Combine(x.Dir, "initdb")) && File.Exists(Path.Combine(x.Dir, "postgres")))
            .OrderByDescending(x => x.Version)
            .Select(x => x.Dir)
            .FirstOrDefault();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Initialising a new PostgreSQL cluster in {DataDirectory}")]
    private partial void LogInitDb(string dataDirectory);
}
