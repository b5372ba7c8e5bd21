using Npgsql;

namespace Gozon.Tests.Support;

/// <summary>Read-only look into payments_db, to count effects that the API does not expose.</summary>
public sealed class PaymentsDatabase(string connectionString)
{
    public async Task<long> CountAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    public Task<long> PaymentsForOrderAsync(Guid orderId) =>
        CountAsync("SELECT count(*) FROM payment_transactions WHERE order_id = @id", ("id", orderId));

    public Task<long> InboxRowsAsync(Guid messageId) =>
        CountAsync("SELECT count(*) FROM inbox_messages WHERE message_id = @id", ("id", messageId));
}
