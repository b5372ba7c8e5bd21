using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gozon.Messaging.Inbox;

/// <summary>
/// Deletes inbox rows older than the retention period. A redelivery can only come while the broker still
/// holds the message, which is far shorter than the retention, so an old row no longer guards anything.
/// </summary>
public sealed partial class InboxCleaner(
    NpgsqlDataSource dataSource,
    TimeProvider timeProvider,
    IOptions<MessagingOptions> options,
    ILogger<InboxCleaner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CleanupInterval, timeProvider);
        do
        {
            try
            {
                await CleanUpAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
            {
                LogCleanupFailed(exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary>Deletes the expired rows; returns how many.</summary>
    public async Task<int> CleanUpAsync(CancellationToken cancellationToken)
    {
        await using var delete = dataSource.CreateCommand($"DELETE FROM {InboxModel.Table} WHERE processed_at < @before");
        delete.Parameters.AddWithValue("before", timeProvider.GetUtcNow() - options.Value.Retention);
        var deleted = await delete.ExecuteNonQueryAsync(cancellationToken);
        if (deleted > 0)
        {
            LogCleanedUp(deleted, options.Value.Retention);
        }

        return deleted;
    }

    [LoggerMessage(LogLevel.Information, "Inbox clean-up deleted {Deleted} message id(s) processed more than {Retention} ago")]
    private partial void LogCleanedUp(int deleted, TimeSpan retention);

    [LoggerMessage(LogLevel.Warning, "Inbox clean-up failed; trying again at the next interval")]
    private partial void LogCleanupFailed(Exception exception);
}
