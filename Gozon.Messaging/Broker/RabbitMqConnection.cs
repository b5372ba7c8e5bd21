using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Gozon.Messaging.Broker;

/// <summary>
/// The service's one AMQP connection. The first caller connects, retrying with back-off until the
/// broker answers, so a service starts fine before RabbitMQ does; afterwards the client's automatic
/// recovery reconnects and restores channels and consumers.
/// </summary>
public sealed partial class RabbitMqConnection(
    IConfiguration configuration,
    IOptions<MessagingOptions> options,
    ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private IConnection? _connection;

    public bool IsOpen => _connection?.IsOpen ?? false;

    /// <summary>
    /// Whether a closed channel of this connection is dead for good. A connection-level close (the broker going
    /// away, a network failure: reply code 320 or a 5xx hard error) is automatic recovery's to repair, and it
    /// reopens that very channel with its consumers: opening another one beside it leaks a channel, and for a
    /// consumer a second prefetch window of deliveries that no one settles. A channel-level (soft, 3xx/4xx) error,
    /// such as an unknown delivery tag, leaves the connection up and the channel closed: that one is the owner's
    /// to replace.
    /// </summary>
    public bool IsClosedForGood(IChannel channel) =>
        channel.IsClosed && IsOpen && channel.CloseReason is { ReplyCode: < 500 and not 320 };

    public async Task<IConnection> GetConnectionAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }

        await _connectLock.WaitAsync(cancellationToken);
        try
        {
            return _connection ??= await ConnectAsync(cancellationToken);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    private async Task<IConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connectionString = configuration.GetConnectionString(options.Value.ConnectionName)
            ?? throw new InvalidOperationException(
                $"Connection string '{options.Value.ConnectionName}' is missing: set ConnectionStrings__{options.Value.ConnectionName} to an amqp:// URI.");
        var factory = new ConnectionFactory
        {
            Uri = new Uri(connectionString),
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(2),
            ClientProvidedName = AppDomain.CurrentDomain.FriendlyName,
        };

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await factory.CreateConnectionAsync(cancellationToken);
                await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
                {
                    await BrokerTopology.DeclareAsync(channel, cancellationToken);
                }

                LogConnected(factory.Endpoint.ToString());
                return connection;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff.Delay(attempt, options.Value.MaxRetryDelay);
                LogConnectFailed(exception, factory.Endpoint.ToString(), delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            await connection.CloseAsync();
            connection.Dispose();
        }

        _connectLock.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Connected to RabbitMQ at {Endpoint}; topology declared")]
    private partial void LogConnected(string endpoint);

    [LoggerMessage(LogLevel.Warning, "RabbitMQ at {Endpoint} is not reachable yet; retrying in {Delay}")]
    private partial void LogConnectFailed(Exception exception, string endpoint, TimeSpan delay);
}
