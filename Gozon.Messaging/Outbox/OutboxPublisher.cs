using Gozon.ServiceDefaults.Faults;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// Sends pending outbox rows to RabbitMQ. Wakes when this process committed outbox rows (<see cref="OutboxSignal"/>)
/// and polls as a safety net (rows of a replica that died, retries that came due), claims rows with
/// <c>FOR UPDATE SKIP LOCKED</c> so replicas never send the same row at once, marks a row published only
/// after the broker confirmed it, and retries failed rows with back-off.
/// A crash between confirm and commit re-sends the row with the same message id: consumers deduplicate.
/// </summary>
public sealed partial class OutboxPublisher(
    NpgsqlDataSource dataSource,
    OutboxBrokerSender sender,
    OutboxSignal signal,
    TimeProvider timeProvider,
    CrashPoints crashPoints,
    OutboxMetrics metrics,
    OutboxCatchUp catchUp,
    IOptions<MessagingOptions> options,
    ILogger<OutboxPublisher> logger) : BackgroundService
{
    private readonly MessagingOptions _options = options.Value;
    private DateTimeOffset _nextCleanup = DateTimeOffset.MinValue;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var failures = 0; !stoppingToken.IsCancellationRequested;)
        {
            try
            {
                var sent = await PublishPendingAsync(stoppingToken);
                failures = 0;
                if (sent >= _options.OutboxBatchSize)
                {
                    continue; // more may be waiting: drain before sleeping
                }

                catchUp.MarkCaughtUp();
                await CleanUpIfDueAsync(stoppingToken);
                await signal.WaitAsync(_options.OutboxPollInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                var delay = Backoff.Delay(failures++, _options.MaxRetryDelay);
                LogLoopFailed(exception, delay);
                await Task.Delay(delay, timeProvider, stoppingToken);
            }
        }
    }

    /// <summary>Publishes one batch of due rows; returns how many rows it claimed.</summary>
    /// <remarks>
    /// One cycle is two round trips: BEGIN with the claim, then the marks with COMMIT. The transaction is
    /// written in SQL rather than through <see cref="NpgsqlTransaction"/>, whose commit would be a third round trip.
    /// If anything throws in between, disposing the connection returns it to the pool, and Npgsql rolls back an
    /// open transaction before it does, so the claimed rows are unlocked for the next cycle.
    /// </remarks>
    public async Task<int> PublishPendingAsync(CancellationToken cancellationToken)
    {
        await sender.EnsureReadyAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var now = timeProvider.GetUtcNow();
        var batch = await ClaimDueAsync(connection, now, cancellationToken);
        await using var finish = new NpgsqlBatch(connection);
        if (batch.Count == 0)
        {
            finish.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
            await finish.ExecuteNonQueryAsync(cancellationToken);
            return 0;
        }

        var sending = timeProvider.GetTimestamp();
        var results = await sender.SendAsync(batch, cancellationToken);
        var confirmedAt = timeProvider.GetUtcNow();
        metrics.BatchSent(batch, results, timeProvider.GetElapsedTime(sending), confirmedAt);
        var published = new List<Guid>(batch.Count);
        var failed = new List<(PendingOutboxMessage Message, string Error, DateTimeOffset RetryAt)>();
        for (var i = 0; i < batch.Count; i++)
        {
            if (results[i] is { } error)
            {
                var retryAt = now + Backoff.Delay(batch[i].Attempts, _options.MaxRetryDelay);
                failed.Add((batch[i], error, retryAt));
                finish.BatchCommands.Add(MarkFailed(batch[i].Id, error, retryAt));
            }
            else
            {
                published.Add(batch[i].Id);
            }
        }

        if (published.Count > 0)
        {
            finish.BatchCommands.Add(MarkPublished(published, confirmedAt));
            crashPoints.Reach(CrashPoints.OutboxConfirmedBeforeMarked);
        }

        finish.BatchCommands.Add(new NpgsqlBatchCommand("COMMIT"));
        await finish.ExecuteNonQueryAsync(cancellationToken);
        foreach (var (message, error, retryAt) in failed)
        {
            LogSendFailed(message.Id, message.Type, message.Attempts + 1, retryAt, error);
        }

        LogPublished(published.Count, failed.Count);
        return batch.Count;
    }

    private async Task<List<PendingOutboxMessage>> ClaimDueAsync(
        NpgsqlConnection connection, DateTimeOffset now, CancellationToken cancellationToken)
    {
        // The marks this transaction makes need no fsync of their own: a mark lost in a PostgreSQL crash only
        // sends its row again, which consumers deduplicate. So the commit does not wait for the WAL flush,
        // and a row written while this batch is in flight waits that much less for the next one.
        await using var claim = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand("BEGIN"),
                new NpgsqlBatchCommand("SET LOCAL synchronous_commit TO OFF"),
                new NpgsqlBatchCommand($"""
                    SELECT id, type, correlation_id, payload, trace_parent, trace_state, created_at, attempts
                    FROM {OutboxModel.Table}
                    WHERE published_at IS NULL AND next_attempt_at <= $1
                    ORDER BY next_attempt_at
                    LIMIT $2
                    FOR UPDATE SKIP LOCKED
                    """)
                {
                    Parameters = { new() { Value = now }, new() { Value = _options.OutboxBatchSize } },
                },
            },
        };
        var batch = new List<PendingOutboxMessage>();
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            batch.Add(new PendingOutboxMessage(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5),
                reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7)));
        }

        return batch;
    }

    private static NpgsqlBatchCommand MarkPublished(List<Guid> ids, DateTimeOffset now) =>
        new($"UPDATE {OutboxModel.Table} SET published_at = $1, attempts = attempts + 1, last_error = NULL WHERE id = ANY($2)")
        {
            Parameters = { new() { Value = now }, new() { Value = ids.ToArray() } },
        };

    private static NpgsqlBatchCommand MarkFailed(Guid id, string error, DateTimeOffset retryAt) =>
        new($"UPDATE {OutboxModel.Table} SET attempts = attempts + 1, next_attempt_at = $1, last_error = $2 WHERE id = $3")
        {
            Parameters = { new() { Value = retryAt }, new() { Value = error }, new() { Value = id } },
        };

    private async Task CleanUpIfDueAsync(CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        if (now < _nextCleanup)
        {
            return;
        }

        _nextCleanup = now + _options.CleanupInterval;
        await using var delete = dataSource.CreateCommand(
            $"DELETE FROM {OutboxModel.Table} WHERE published_at IS NOT NULL AND published_at < @before");
        delete.Parameters.AddWithValue("before", now - _options.Retention);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > 0)
        {
            LogCleanedUp(deleted, _options.Retention);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Outbox published {Published} message(s), {Failed} failed")]
    private partial void LogPublished(int published, int failed);

    [LoggerMessage(LogLevel.Warning, "Outbox message {MessageId} ({MessageType}) failed to publish (attempt {Attempt}); retry at {RetryAt}: {Error}")]
    private partial void LogSendFailed(Guid messageId, string messageType, int attempt, DateTimeOffset retryAt, string error);

    [LoggerMessage(LogLevel.Warning, "Outbox publisher loop failed; restarting in {Delay}")]
    private partial void LogLoopFailed(Exception exception, TimeSpan delay);

    [LoggerMessage(LogLevel.Information, "Outbox clean-up deleted {Deleted} message(s) published more than {Retention} ago")]
    private partial void LogCleanedUp(int deleted, TimeSpan retention);
}

public sealed record PendingOutboxMessage(
    Guid Id, string Type, string CorrelationId, string Payload, string? TraceParent, string? TraceState,
    DateTimeOffset CreatedAt, int Attempts);
