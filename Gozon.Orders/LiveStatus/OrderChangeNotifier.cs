using System.Threading.Channels;
using Gozon.Messaging;
using Gozon.ServiceDefaults.Api;
using Npgsql;

namespace Gozon.Orders.LiveStatus;

/// <summary>
/// Announces committed order changes to every replica's <see cref="OrderChangeListener"/>. The code that changed
/// an order calls <see cref="Changed"/> after its commit; a loop here sends one statement per batch that reads
/// the committed rows and NOTIFYs each as JSON (the REST API's shape). The statement writes nothing, so its own
/// commit needs no WAL flush and holds PostgreSQL's NOTIFY lock for microseconds, where a NOTIFY inside the
/// changing transaction held it across that transaction's fsync and serialized every order.
/// A process that dies between the commit and the announcement loses only the push: subscribers get the
/// current state whenever they (re)subscribe.
/// </summary>
public sealed partial class OrderChangeNotifier(
    NpgsqlDataSource dataSource,
    TimeProvider timeProvider,
    ILogger<OrderChangeNotifier> logger) : BackgroundService
{
    private const int MaxBatch = 200;
    private static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    // At most one announcement per interval: under load, changes that arrive meanwhile share the next statement
    // (one NOTIFY commit, one wake-up of every listening replica) instead of costing one each. The first change
    // after a quiet interval goes out at once, so an idle system pushes as fast as before.
    private static readonly TimeSpan MinInterval = TimeSpan.FromMilliseconds(10);

    private readonly Channel<Guid> _changed = Channel.CreateUnbounded<Guid>(new UnboundedChannelOptions { SingleReader = true });

    /// <summary>Queues the announcement of an order whose change has committed.</summary>
    public void Changed(Guid orderId) => _changed.Writer.TryWrite(orderId);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new HashSet<Guid>();
        try
        {
            while (await _changed.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _changed.Reader.TryRead(out var orderId))
                {
                    batch.Add(orderId);
                }

                var started = timeProvider.GetTimestamp();
                await AnnounceAsync(batch, stoppingToken);
                batch.Clear();
                if (MinInterval - timeProvider.GetElapsedTime(started) is { Ticks: > 0 } rest)
                {
                    await Task.Delay(rest, timeProvider, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task AnnounceAsync(HashSet<Guid> orderIds, CancellationToken stoppingToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var notify = dataSource.CreateCommand($"""
                    SELECT pg_notify('{OrderChangeListener.Channel}', json_strip_nulls(json_build_object(
                        'id', id, 'userId', user_id, 'amount', amount, 'description', description,
                        'status', status, 'failureReason', failure_reason,
                        'createdAt', created_at, 'updatedAt', updated_at))::text)
                    FROM orders WHERE id = ANY(@ids)
                    """);
                notify.Parameters.AddWithValue("ids", orderIds.ToArray());
                await notify.ExecuteNonQueryAsync(stoppingToken);
                return;
            }
            catch (Exception exception) when (TransientDatabaseFailure.IsTransient(exception) && !stoppingToken.IsCancellationRequested)
            {
                // The database is away: nothing can change meanwhile, so waiting loses nothing.
                var delay = Backoff.Delay(attempt, MaxRetryDelay);
                LogRetrying(exception, orderIds.Count, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException)
            {
                LogDropped(exception, orderIds.Count);
                return;
            }
        }
    }

    [LoggerMessage(LogLevel.Warning, "Announcing {Count} order change(s) failed; retrying in {Delay}")]
    private partial void LogRetrying(Exception exception, int count, TimeSpan delay);

    [LoggerMessage(LogLevel.Error, "Announcing {Count} order change(s) failed; their subscribers see them on their next subscribe")]
    private partial void LogDropped(Exception exception, int count);
}
