using Npgsql;

namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// Tells a database that is away (restarting, unreachable, overloaded) from a failure of the work itself:
/// the first is retried or answered with 503, the second is a bug.
/// </summary>
public static class TransientDatabaseFailure
{
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return postgres.IsTransient || IsTransientSqlState(postgres.SqlState);
                case NpgsqlException { IsTransient: true }:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }

        return false;
    }

    private static bool IsTransientSqlState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("57P", StringComparison.Ordinal) // admin or crash shutdown, cannot connect now
        || sqlState is "53300" // too many connections
            or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected;
}
