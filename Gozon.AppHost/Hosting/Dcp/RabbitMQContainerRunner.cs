using System.Globalization;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client.Exceptions;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>
/// <c>rabbitmq:4-management</c> with generated credentials and a named volume. RABBITMQ_DEFAULT_USER/PASS only
/// apply to an empty volume, so when the state folder was reset the user is set again with <c>rabbitmqctl</c>.
/// </summary>
internal sealed partial class RabbitMQContainerRunner(RabbitMQServerResource resource, RunnerContext context)
    : ContainerRunner(resource, "RabbitMQ (container)", context)
{
    private const string User = "gozon";
    private readonly TaskCompletionSource<string> _connectionString = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private string _password = "";
    private int _port;
    private int _managementPort;

    protected override string Image => "rabbitmq:4-management";

    public override Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken) =>
        _connectionString.Task.WaitAsync(cancellationToken)!;

    protected override string? GetDisplayUrl() =>
        _port == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"amqp://127.0.0.1:{_port} (management http://127.0.0.1:{_managementPort})");

    protected override Task PrepareContainerAsync(CancellationToken cancellationToken)
    {
        _password = Context.State.GetOrCreateSecret("rabbitmq-password");
        _port = Context.State.GetOrCreatePort("rabbitmq-container");
        _managementPort = Context.State.GetOrCreatePort("rabbitmq-management");
        _connectionString.TrySetResult(string.Create(CultureInfo.InvariantCulture,
            $"amqp://{User}:{Uri.EscapeDataString(_password)}@127.0.0.1:{_port}/"));
        return Task.CompletedTask;
    }

    protected override IEnumerable<string> GetRunArguments() =>
    [
        "--hostname", ContainerName,
        .. Publish(_port, 5672),
        .. Publish(_managementPort, 15672),
        .. Env("RABBITMQ_DEFAULT_USER", User),
        .. Env("RABBITMQ_DEFAULT_PASS", _password),
        .. Volume("/var/lib/rabbitmq"),
    ];

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        try
        {
            return await Probes.RabbitMQAsync(await _connectionString.Task.ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException ex) when (ex.InnerException is AuthenticationFailureException)
        {
            if (StartRepair(ResetUserAsync))
            {
                LogCredentialsMismatch(ContainerName);
            }

            return false;
        }
    }

    private async Task ResetUserAsync(CancellationToken cancellationToken)
    {
        // add_user fails when the user exists (its password is then changed).
        await ExecAsync(["rabbitmqctl", "add_user", User, _password], cancellationToken).ConfigureAwait(false);
        await ExecOrThrowAsync(["rabbitmqctl", "change_password", User, _password], cancellationToken).ConfigureAwait(false);
        await ExecOrThrowAsync(["rabbitmqctl", "set_user_tags", User, "administrator"], cancellationToken).ConfigureAwait(false);
        await ExecOrThrowAsync(["rabbitmqctl", "set_permissions", "-p", "/", User, ".*", ".*", ".*"], cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Container} rejects the credentials from the state folder (volume initialised by another state folder); setting them")]
    private partial void LogCredentialsMismatch(string container);
}
