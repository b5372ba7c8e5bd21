using Npgsql;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Builds Npgsql connection strings for a server on the loopback interface.</summary>
internal static class PostgresConnectionInfo
{
    public static string Create(int port, string userName, string password) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Username = userName,
            Password = password,
        }.ConnectionString;

    public static string WithDatabase(string serverConnectionString, string database) =>
        new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = database }.ConnectionString;
}
