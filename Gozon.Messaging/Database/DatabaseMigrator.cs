using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gozon.Messaging.Database;

/// <summary>
/// Applies EF Core migrations before the service starts serving, retrying with back-off while PostgreSQL
/// is not up yet, so services can start in any order. Migrations take an advisory lock (EF Core 9+),
/// so replicas starting together apply them once.
/// </summary>
public sealed partial class DatabaseMigrator<TContext>(
    IServiceScopeFactory scopeFactory,
    TimeProvider timeProvider,
    ILogger<DatabaseMigrator<TContext>> logger) : IHostedService where TContext : DbContext
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(10);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var scope = scopeFactory.CreateAsyncScope();
                var db = scope.ServiceProvider.GetRequiredService<TContext>();
                await db.Database.MigrateAsync(cancellationToken);
                LogMigrated(typeof(TContext).Name);
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff.Delay(attempt, MaxDelay);
                LogMigrationFailed(exception, typeof(TContext).Name, delay);
                await Task.Delay(delay, timeProvider, cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Database of {Context} is migrated")]
    private partial void LogMigrated(string context);

    [LoggerMessage(LogLevel.Warning, "Migrating the database of {Context} failed; retrying in {Delay}")]
    private partial void LogMigrationFailed(Exception exception, string context, TimeSpan delay);
}
