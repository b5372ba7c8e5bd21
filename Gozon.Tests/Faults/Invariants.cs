using System.Diagnostics;
using Gozon.Tests.Support;
using Npgsql;

namespace Gozon.Tests.Faults;

/// <summary>
/// What a scenario left behind once the system was quiet; every count but the first two must be 0, dead letters
/// aside in a scenario that sends poison on purpose.
/// </summary>
public sealed record FaultOutcome(
    int OrdersPlaced,
    TimeSpan TimeToQuiesce,
    int OrdersLost,
    int DuplicateOrders,
    int DoubleDebits,
    int MissingDebits,
    int PaymentsWithoutStatus,
    int InboxRowsWithoutEffect,
    long LeftUnacked,
    long DeadLettered)
{
    public void AssertHolds(long expectedDeadLetters = 0)
    {
        Assert.Equal(0, OrdersLost);
        Assert.Equal(0, DuplicateOrders);
        Assert.Equal(0, DoubleDebits);
        Assert.Equal(0, MissingDebits);
        Assert.Equal(0, PaymentsWithoutStatus);
        Assert.Equal(0, InboxRowsWithoutEffect);
        Assert.Equal(0, LeftUnacked);
        Assert.Equal(expectedDeadLetters, DeadLettered);
    }
}

/// <summary>
/// Waits until the system is quiet (no order of the burst still New, both outboxes sent and idle for 2 s, both queues empty
/// and no delivery held by a consumer),
/// then counts what the guarantees forbid, reading the databases and the broker directly. Last, it stops the
/// services: a delivery a consumer still held unacked goes back to its queue and is counted.
/// </summary>
public static class Invariants
{
    private static readonly string[] Queues = ["payments.pay-order", "orders.payment-results"];

    // Outbox rows not yet sent, or written in the last 2 s. A message a consumer holds is not in a queue's count, but
    // handling it writes a row (a result, or Orders asking again), so two quiet seconds mean nothing is in flight.
    private const string Unsettled =
        "SELECT count(*) FROM outbox_messages WHERE published_at IS NULL OR created_at > now() - interval '2 seconds'";

    /// <param name="lostPayOrders">PayOrders the scenario removed from the broker on purpose: sent, but never to be handled.</param>
    public static async Task<FaultOutcome> CheckAsync(FaultSystem system, OrderBurst burst, TimeSpan? timeout = null, long lostPayOrders = 0)
    {
        await using var orders = await system.OpenDatabaseAsync("orders-db");
        await using var payments = await system.OpenDatabaseAsync("payments-db");
        await using var broker = await system.ConnectBrokerAsync();
        await using var channel = await broker.CreateChannelAsync();
        var users = burst.Users.ToArray();

        var quiet = Stopwatch.StartNew();
        await Eventually.UntilAsync(
            async () => new
            {
                New = await CountAsync(orders, "SELECT count(*) FROM orders WHERE user_id = ANY(@users) AND status = 'New'", users),
                OrdersOutbox = await CountAsync(orders, Unsettled, users),
                PaymentsOutbox = await CountAsync(payments, Unsettled, users),
                // Copies waiting out a retry delay are on their way back too.
                Queued = await QueuedAsync(channel, [.. Queues, .. Queues.Select(q => q + ".retry")]),
                // A PayOrder a consumer holds (one Orders sent again just before the first answer came, or one waiting out
                // a database failure) is in no queue's count: every one sent must be in Payments' inbox.
                PayOrdersInFlight = await CountAsync(orders, "SELECT count(*) FROM outbox_messages WHERE type = 'PayOrder'", users)
                    - await CountAsync(payments, "SELECT count(*) FROM inbox_messages WHERE type = 'PayOrder'", users) - lostPayOrders
                    - await QueuedAsync(channel, ["payments.pay-order.dlq"]), // dead letters are counted (and judged) below
                // A delivery a consumer still holds, such as the outbox's second copy of a message whose first send
                // was confirmed just as the database went away, waiting out its back-off.
                Unacknowledged = await system.UnacknowledgedAsync(Queues),
            },
            // Below 0 when a scenario dead-letters PayOrders of its own making (poison), which Orders never sent.
            state => state.New + state.OrdersOutbox + state.PaymentsOutbox + state.Queued + Math.Max(0, state.PayOrdersInFlight)
                + state.Unacknowledged == 0,
            "the system to be quiet (orders final, outboxes sent, queues empty)",
            timeout ?? TimeSpan.FromMinutes(3));
        var timeToQuiesce = quiet.Elapsed;

        var stored = await ReadAsync(orders,
            "SELECT id, user_id, amount, status FROM orders WHERE user_id = ANY(@users)", users,
            r => (Id: r.GetGuid(0), User: r.GetString(1), Amount: r.GetDecimal(2), Status: r.GetString(3)));
        var storedIds = stored.Select(o => o.Id).ToHashSet();
        var debited = (await ReadAsync(payments,
            "SELECT order_id FROM payment_transactions WHERE user_id = ANY(@users) AND status = 'Succeeded'", users,
            r => r.GetGuid(0))).ToHashSet();
        var balances = (await ReadAsync(payments,
            "SELECT user_id, balance FROM accounts WHERE user_id = ANY(@users)", users,
            r => (User: r.GetString(0), Balance: r.GetDecimal(1)))).ToDictionary(b => b.User, b => b.Balance);
        var leftUnacked = await UnackedAsync(system, channel);
        var finished = stored.Where(o => o.Status == "Finished").ToList();

        var expected = burst.Users.ToDictionary(u => u, u => burst.InitialBalance - finished.Where(o => o.User == u).Sum(o => o.Amount));
        return new FaultOutcome(
            OrdersPlaced: burst.Planned.Count,
            TimeToQuiesce: timeToQuiesce,
            OrdersLost: burst.Planned.Count(p => p.AcceptedId is not { } id || !storedIds.Contains(id)),
            DuplicateOrders: stored.Count - burst.Planned.Count(p => p.AcceptedId is not null),
            DoubleDebits: burst.Users.Count(u => balances.GetValueOrDefault(u) < expected[u]),
            MissingDebits: burst.Users.Count(u => balances.GetValueOrDefault(u) > expected[u]) + finished.Count(o => !debited.Contains(o.Id)),
            PaymentsWithoutStatus: debited.Count(id => !finished.Any(o => o.Id == id)),
            // Every PayOrder Payments recorded as handled produced exactly one result: its payment's, or the recorded one again.
            InboxRowsWithoutEffect: (int)Math.Abs(
                await CountAsync(payments, "SELECT count(*) FROM inbox_messages WHERE type = 'PayOrder'", users)
                - await CountAsync(payments, "SELECT count(*) FROM outbox_messages WHERE type IN ('PaymentSucceeded', 'PaymentFailed')", users)),
            LeftUnacked: leftUnacked,
            DeadLettered: await QueuedAsync(channel, Queues.Select(q => q + ".dlq").ToArray()));
    }

    private static async Task<long> UnackedAsync(FaultSystem system, RabbitMQ.Client.IChannel channel)
    {
        await system.App.StopAsync("orders");
        await system.App.StopAsync("payments");
        // The broker returns a closed consumer's deliveries as it processes the close: watch for a moment.
        long most = 0;
        for (var look = 0; look < 5; look++)
        {
            most = Math.Max(most, await QueuedAsync(channel, Queues));
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return most;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource database, string sql, string[] users)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("users", users);
        return Convert.ToInt64(await command.ExecuteScalarAsync());
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlDataSource database, string sql, string[] users, Func<NpgsqlDataReader, T> read)
    {
        await using var command = database.CreateCommand(sql);
        command.Parameters.AddWithValue("users", users);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(read(reader));
        }

        return rows;
    }

    private static async Task<long> QueuedAsync(RabbitMQ.Client.IChannel channel, string[] queues)
    {
        long total = 0;
        foreach (var queue in queues)
        {
            total += (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
        }

        return total;
    }
}
