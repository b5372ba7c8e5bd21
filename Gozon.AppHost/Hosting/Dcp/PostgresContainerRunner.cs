using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// <c>postgres:17</c> with a generated password and a named volume. POSTGRES_PASSWORD only applies when the
/// volume is initialised, so when the state folder was reset the password is set again through the local socket.
/// </summary>
internal sealed partial class PostgresContainerRunner(PostgresServerResource resource, RunnerContext context)
    : ContainerRunner(resource, "PostgreSQL (container)", context)
{
    private readonly TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _password = "";
    private int _port;

    protected override string Image => "postgres:17";

    public override Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        _connectionString.Task.WaitAsync(cancellationToken)!;

    protected override string? GetDisplayUrl() => _port == 0 ? null : $"tcp://127.0.0.1:{_port}";

    protected override Task PrepareContainerAsync(CancellationToken cancellationToken)
    {
        _password = Context.State.GetOrCreateSecret("postgres-password");
        _port = Context.State.GetOrCreatePort("postgres-container");
        _connectionString.TrySetResult(PostgresConnectionInfo.Create(_port, resource.UserName, _password));
        return Task.CompletedTask;
    }

    protected override IEnumerable<string> GetRunArguments() =>
    [
        .. Publish(_port, 5432),
        .. Env("POSTGRES_USER", resource.UserName),
        .. Env("POSTGRES_PASSWORD", _password),
        .. Volume("/var/lib/postgresql/data"),
    ];

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        try
        {
            return await Probes.PostgresAsync(await _connectionString.Task.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.InvalidPassword)
        {
            if (StartRepair(ct => ExecOrThrowAsync(
                ["psql", "-v", "ON_ERROR_STOP=1", "-U", resource.UserName, "-d", "postgres",
                 "-c", $"ALTER USER \"{resource.UserName}\" PASSWORD '{_password}'"], ct)))
            {
                LogPasswordMismatch(ContainerName);
            }

            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Container} rejects the password from the state folder (volume initialised by another state folder); setting it")]
    private partial void LogPasswordMismatch(string container);
}
