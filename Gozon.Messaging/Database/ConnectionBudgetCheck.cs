using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gozon.Messaging.Database;

/// <summary>
/// Reads the server's connection limit once at start and warns when the planned pools (this replica's alone when no
/// plan is given) could exceed it: then, under load, PostgreSQL would refuse connections with "too many clients".
/// It matters most with a server of one's own (<c>Gozon:Infrastructure=External</c>), whose limit the AppHost cannot set.
/// </summary>
public sealed partial class ConnectionBudgetCheck(
    NpgsqlDataSource dataSource, DatabaseOptions options, ILogger<ConnectionBudgetCheck> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The data source's own string, not the option: a connection string that sets its pool size wins over the budget.
        var pool = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString).MaxPoolSize;
        var planned = options.PlannedConnections ?? pool;
        try
        {
            await using var command = dataSource.CreateCommand(
                "SELECT current_setting('max_connections')::int, current_setting('superuser_reserved_connections')::int");
            await using var reader = await command.ExecuteReaderAsync(stoppingToken);
            await reader.ReadAsync(stoppingToken);
            var (maxConnections, superuserReserved) = (reader.GetInt32(0), reader.GetInt32(1));
            if (planned > maxConnections - superuserReserved)
            {
                LogOverBudget(planned, pool, maxConnections, superuserReserved);
            }
            else
            {
                LogWithinBudget(pool, planned, maxConnections);
            }
        }
        catch (Exception exception) when (exception is NpgsqlException or InvalidOperationException && !stoppingToken.IsCancellationRequested)
        {
            LogCheckFailed(exception);
        }
    }

    [LoggerMessage(LogLevel.Warning,
        "The connection pools may open {Planned} connections (this replica {Pool}) but PostgreSQL allows {MaxConnections}, {SuperuserReserved} of them for superusers only: under load it will refuse connections. Lower Database:MaxPoolSize or raise max_connections")]
    private partial void LogOverBudget(int planned, int pool, int maxConnections, int superuserReserved);

    [LoggerMessage(LogLevel.Information, "Connection pool of {Pool}; all pools together at most {Planned} of the server's {MaxConnections} connections")]
    private partial void LogWithinBudget(int pool, int planned, int maxConnections);

    [LoggerMessage(LogLevel.Warning, "Could not read the server's connection limit; the connection budget is not checked")]
    private partial void LogCheckFailed(Exception exception);
}
