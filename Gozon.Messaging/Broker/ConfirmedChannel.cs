using RabbitMQ.Client;

namespace Gozon.Messaging.Broker;

/// <summary>
/// A channel with publisher confirms on a connection, opened on first use and replaced when it closed for good.
/// <see cref="PublishAsync"/> returns once the broker has taken responsibility for the message, or fails after the
/// confirm timeout: a broker that stopped confirming (a memory or disk alarm) must not hold the caller, and with it
/// the database transaction or the delivery the caller keeps open, for as long as the alarm lasts.
/// </summary>
public sealed class ConfirmedChannel(RabbitMqConnection connection, TimeSpan confirmTimeout, TimeProvider timeProvider) : IAsyncDisposable
{
    private static readonly TimeSpan RecoveryCheckInterval = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _channelLock = new(1, 1);
    private IChannel? _channel;

    /// <summary>Publishes with mandatory routing (an unroutable message is an error, not a silent drop).</summary>
    public async Task PublishAsync(
        string exchange, string routingKey, BasicProperties properties, ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        var channel = await GetAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(confirmTimeout);
        try
        {
            await channel.BasicPublishAsync(exchange, routingKey, mandatory: true, properties, body, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"RabbitMQ did not confirm the message within {confirmTimeout}.");
        }
    }

    /// <summary>
    /// The open channel, waiting while automatic recovery reopens it, so callers can wait for the broker before
    /// they open a database transaction.
    /// </summary>
    public async Task<IChannel> GetAsync(CancellationToken cancellationToken)
    {
        if (_channel is { } open && IsUsable(open))
        {
            return open;
        }

        await _channelLock.WaitAsync(cancellationToken);
        try
        {
            // Closed together with its connection: automatic recovery reopens this very channel, so wait for it
            // rather than open a second one that recovery would leave beside it.
            while (_channel is { } recovering && !IsUsable(recovering) && !connection.IsClosedForGood(recovering))
            {
                await Task.Delay(RecoveryCheckInterval, timeProvider, cancellationToken);
            }

            if (_channel is { } reopened && IsUsable(reopened))
            {
                return reopened;
            }

            // None yet, or closed for good by a channel-level error.
            if (_channel is not null)
            {
                await _channel.DisposeAsync();
            }

            var amqp = await connection.GetConnectionAsync(cancellationToken);
            _channel = await amqp.CreateChannelAsync(
                new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true),
                cancellationToken);
            return _channel;
        }
        finally
        {
            _channelLock.Release();
        }
    }

    // The client marks the connection closed before it gets round to its channels: in between, a channel that still
    // says open would take a publish only to fail it with AlreadyClosedException.
    private bool IsUsable(IChannel channel) => channel.IsOpen && connection.IsOpen;

    public async ValueTask DisposeAsync()
    {
        if (_channel is { } channel)
        {
            try
            {
                if (channel.IsOpen)
                {
                    await channel.CloseAsync();
                }
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                // Closing at shutdown: the broker or the connection may already be gone.
            }
            finally
            {
                await channel.DisposeAsync();
            }
        }

        _channelLock.Dispose();
    }
}
