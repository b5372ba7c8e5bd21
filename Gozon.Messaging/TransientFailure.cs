using Npgsql;

namespace Gozon.Messaging;

/// <summary>Tells failures worth retrying as they are (database or broker away) from failures of the work itself.</summary>
public static class TransientFailure
{
    public static bool IsTransient(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            switch (current)
            {
                case PostgresException postgres:
                    return IsTransientSqlState(postgres.SqlState) || postgres.IsTransient;
                case NpgsqlException npgsql when npgsql.IsTransient:
                case TimeoutException:
                case System.Net.Sockets.SocketException:
                case RabbitMQ.Client.Exceptions.AlreadyClosedException:
                case RabbitMQ.Client.Exceptions.BrokerUnreachableException:
                    return true;
            }
        }

        return false;
    }

    private static bool IsTransientSqlState(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
        || sqlState.StartsWith("57P", StringComparison.Ordinal) // admin shutdown, crash shutdown, cannot connect now
        || sqlState is "53300" // too many connections
            or PostgresErrorCodes.SerializationFailure
            or PostgresErrorCodes.DeadlockDetected;
}
