using Npgsql;

namespace Gozon.Tests.Support;

/// <summary>Rows a fuzz run's own users have: only the API creates them, nothing in the background does.</summary>
public sealed record RunRows(long Accounts, long TopUps, long Orders)
{
    public IEnumerable<(string Table, long Added)> Added(RunRows after) =>
        [("accounts", after.Accounts - Accounts), ("top_ups", after.TopUps - TopUps), ("orders", after.Orders - Orders)];
}

/// <summary>
/// Everything of every other user that the fuzz run must leave alone. Balances move in the background while orders of
/// earlier tests are paid, so a balance is compared together with what its account paid: that sum changes only by a
/// top-up, which is also compared row by row.
/// </summary>
public sealed record OthersState(
    long Orders, decimal OrderAmounts, string OrdersHash,
    long Accounts, decimal BalancesPlusPaid, string AccountsHash,
    long TopUps, decimal TopUpAmounts, string TopUpsHash);

/// <summary>Read-only counts of orders_db and payments_db for the fuzz test's "nothing changed" rule.</summary>
public sealed class FuzzLedger(NpgsqlDataSource orders, NpgsqlDataSource payments, IReadOnlyList<string> runUsers)
{
    private readonly string[] _runUsers = [.. runUsers];

    public async Task<RunRows> CountRunRowsAsync(CancellationToken cancellationToken)
    {
        var (accounts, topUps) = await ReadAsync(payments, """
            SELECT (SELECT count(*) FROM accounts WHERE user_id = ANY(@users)),
                   (SELECT count(*) FROM top_ups WHERE user_id = ANY(@users))
            """, r => (r.GetInt64(0), r.GetInt64(1)), cancellationToken);
        var orderCount = await ReadAsync(orders, "SELECT count(*) FROM orders WHERE user_id = ANY(@users)",
            r => r.GetInt64(0), cancellationToken);
        return new RunRows(accounts, topUps, orderCount);
    }

    public async Task<OthersState> ReadOthersAsync(CancellationToken cancellationToken)
    {
        var (orderCount, orderAmounts, ordersHash) = await ReadAsync(orders, """
            SELECT count(*), coalesce(sum(amount), 0),
                   md5(coalesce(string_agg(id::text || ':' || user_id || ':' || amount::text || ':' || md5(description), ',' ORDER BY id), ''))
            FROM orders WHERE user_id <> ALL(@users)
            """, r => (r.GetInt64(0), r.GetDecimal(1), r.GetString(2)), cancellationToken);
        // One statement, one snapshot: a payment debits the balance and records itself in the same transaction.
        var (accounts, ledger, accountsHash, topUps, topUpAmounts, topUpsHash) = await ReadAsync(payments, """
            WITH paid AS (
                SELECT user_id, sum(amount) AS amount FROM payment_transactions WHERE status = 'Succeeded' GROUP BY user_id),
            ledger AS (
                SELECT a.user_id, a.balance + coalesce(p.amount, 0) AS total
                FROM accounts a LEFT JOIN paid p USING (user_id) WHERE a.user_id <> ALL(@users))
            SELECT (SELECT count(*) FROM ledger),
                   (SELECT coalesce(sum(total), 0) FROM ledger),
                   (SELECT md5(coalesce(string_agg(user_id || ':' || total::text, ',' ORDER BY user_id), '')) FROM ledger),
                   (SELECT count(*) FROM top_ups WHERE user_id <> ALL(@users)),
                   (SELECT coalesce(sum(amount), 0) FROM top_ups WHERE user_id <> ALL(@users)),
                   (SELECT md5(coalesce(string_agg(id::text || ':' || amount::text, ',' ORDER BY id), '')) FROM top_ups WHERE user_id <> ALL(@users))
            """, r => (r.GetInt64(0), r.GetDecimal(1), r.GetString(2), r.GetInt64(3), r.GetDecimal(4), r.GetString(5)), cancellationToken);
        return new OthersState(orderCount, orderAmounts, ordersHash, accounts, ledger, accountsHash, topUps, topUpAmounts, topUpsHash);
    }

    private async Task<T> ReadAsync<T>(NpgsqlDataSource database, string sql, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("users", _runUsers);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return read(reader);
    }
}
