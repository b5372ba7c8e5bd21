using Npgsql;
using RabbitMQ.Client;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Health probes for the infrastructure: open a connection, close it.</summary>
internal static class Probes
{
    public static async Task<bool> PostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false, Timeout = 3 };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public static async Task<bool> RabbitMQAsync(string uri, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = new Uri(uri),
            RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
            AutomaticRecoveryEnabled = false,
            ClientProvidedName = "gozon-apphost-probe",
        };
        await using var connection = await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        var open = connection.IsOpen;
        await connection.CloseAsync(cancellationToken).ConfigureAwait(false);
        return open;
    }
}
