namespace Gozon.AppHost.Hosting.Dcp;

/// <summary><c>postgres:17</c> with a generated password and a named volume.</summary>
internal sealed class PostgresContainerRunner(PostgresServerResource resource, RunnerContext context)
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

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        await Probes.PostgresAsync(await _connectionString.Task.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
}
