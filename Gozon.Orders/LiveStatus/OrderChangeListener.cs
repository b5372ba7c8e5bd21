using System.Text.Json;
using System.Threading.Channels;
using Gozon.Messaging;
using Gozon.Orders.Orders;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gozon.Orders.LiveStatus;

/// <summary>
/// Relays every order change to this replica's hub subscribers. The change arrives from PostgreSQL: the replica
/// that committed it announces it with <c>pg_notify</c> (<see cref="OrderChangeNotifier"/>), and every replica
/// LISTENs, so a subscriber hears about changes made by any replica, whichever replica it is connected to.
/// </summary>
public sealed partial class OrderChangeListener(
    NpgsqlDataSource dataSource,
    IHubContext<OrderStatusHub, IOrderStatusClient> hub,
    IOptions<JsonOptions> jsonOptions,
    IOptions<LiveStatusOptions> options,
    TimeProvider timeProvider,
    ILogger<OrderChangeListener> logger) : BackgroundService
{
    public const string Channel = "order_changed";
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly Channel<string> _payloads = System.Threading.Channels.Channel.CreateBounded<string>(
        new BoundedChannelOptions(options.Value.MaxQueuedChanges) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var relay = RelayAsync(stoppingToken);
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notification) => Enqueue(notification.Payload);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                LogListening(Channel);
                failures = 0;
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                // Changes committed while this replica is not listening reach its subscribers only through their
                // own re-subscription (which returns the current state), as after any reconnect.
                var delay = Backoff.Delay(failures++, MaxRetryDelay);
                LogListenFailed(exception, delay);
                await Task.Delay(delay, timeProvider, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        _payloads.Writer.TryComplete();
        await relay;
    }

    private void Enqueue(string payload)
    {
        // Npgsql raises this on the connection's read loop: waiting for room here would stop the LISTEN itself.
        if (!_payloads.Writer.TryWrite(payload) && !_payloads.Reader.Completion.IsCompleted)
        {
            LogChangeDropped(_payloads.Reader.Count, payload);
        }
    }

    private async Task RelayAsync(CancellationToken stoppingToken)
    {
        await foreach (var payload in _payloads.Reader.ReadAllAsync(CancellationToken.None))
        {
            try
            {
                var order = JsonSerializer.Deserialize<OrderResponse>(payload, jsonOptions.Value.SerializerOptions)
                    ?? throw new JsonException("empty notification");
                // Returns without waiting for any subscriber (BoundedHubLifetimeManager): a slow one is dropped, not waited for.
                await hub.Clients
                    .Groups(OrderStatusHub.UserGroup(order.UserId), OrderStatusHub.OrderGroup(order.Id))
                    .OrderChanged(order);
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogRelayFailed(exception, payload);
            }
        }
    }

    [LoggerMessage(LogLevel.Information, "Listening for order changes on channel {Channel}")]
    private partial void LogListening(string channel);

    [LoggerMessage(LogLevel.Warning, "Listening for order changes failed; retrying in {Delay}")]
    private partial void LogListenFailed(Exception exception, TimeSpan delay);

    [LoggerMessage(LogLevel.Warning,
        "Dropped order change {Payload}: {Queued} changes already wait to be pushed; its subscribers get it when they subscribe again")]
    private partial void LogChangeDropped(int queued, string payload);

    [LoggerMessage(LogLevel.Error, "Could not relay order change {Payload}")]
    private partial void LogRelayFailed(Exception exception, string payload);
}
