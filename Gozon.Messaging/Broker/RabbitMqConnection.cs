using Microsoft.Extensions.Logging;
using RabbitMQ.Client;

namespace Gozon.Messaging.Broker;

/// <summary>
/// One AMQP connection of the service (see <see cref="BrokerConnections"/>), made from the connection factory
/// Aspire.RabbitMQ.Client configured. The first caller connects, retrying with back-off until the broker answers, so a
/// service starts (and takes HTTP requests) before RabbitMQ does; afterwards the client's automatic recovery reconnects
/// and restores channels and consumers.
/// </summary>
/// <remarks>
/// Not Aspire's <see cref="IConnection"/> singleton: that one connects while it is being resolved, blocking the
/// resolving thread through its own retries, and the container would dispose it before the channels of the
/// senders created earlier, whose closing then fails.
/// </remarks>
public sealed partial class RabbitMqConnection(
    IConnectionFactory factory,
    string purpose,
    MessagingOptions options,
    ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private IConnection? _connection;

    /// <summary>What the connection carries ("publish" or "consume"), in its client name and in logs.</summary>
    public string Purpose => purpose;

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
        // Host and port only: the URI carries the credentials.
        var endpoint = $"{factory.Uri.Host}:{factory.Uri.Port}";
        for (var attempt = 0; ; attempt++)
        {
            IConnection? connection = null;
            try
            {
                connection = await factory.CreateConnectionAsync($"{factory.ClientProvidedName} ({purpose})", cancellationToken);
                await using (var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken))
                {
                    await BrokerTopology.DeclareAsync(channel, cancellationToken);
                }

                LogConnected(purpose, endpoint);
                return connection;
            }
            catch (Exception exception)
            {
                // A connection whose topology failed (or whose start was cancelled) is not kept: the next attempt
                // starts afresh, and the socket and the client's recovery loop must not outlive it.
                if (connection is not null)
                {
                    await AbortQuietlyAsync(connection);
                }

                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                var delay = Backoff.Delay(attempt, options.MaxRetryDelay);
                LogConnectFailed(exception, purpose, endpoint, delay);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    private static async Task AbortQuietlyAsync(IConnection connection)
    {
        try
        {
            await connection.AbortAsync(TimeSpan.FromSeconds(1));
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { } connection)
        {
            try
            {
                await connection.CloseAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                LogCloseFailed(exception, purpose);
            }
            finally
            {
                await connection.DisposeAsync();
            }
        }

        _connectLock.Dispose();
    }

    [LoggerMessage(LogLevel.Information, "Connected to RabbitMQ ({Purpose}) at {Endpoint}; topology declared")]
    private partial void LogConnected(string purpose, string endpoint);

    [LoggerMessage(LogLevel.Warning, "RabbitMQ ({Purpose}) at {Endpoint} is not reachable yet; retrying in {Delay}")]
    private partial void LogConnectFailed(Exception exception, string purpose, string endpoint, TimeSpan delay);

    [LoggerMessage(LogLevel.Debug, "Closing the {Purpose} connection to RabbitMQ failed")]
    private partial void LogCloseFailed(Exception exception, string purpose);
}
