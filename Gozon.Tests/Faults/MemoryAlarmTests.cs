using Gozon.Tests.Support;
using Npgsql;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Gozon.Tests.Faults;

/// <summary>
/// A broker memory alarm blocks every connection that publishes. Publishing has a connection of its own, so the
/// consumers keep acking; a publish that is not confirmed within the confirm timeout fails and is retried, so no
/// transaction waits for the alarm; and once it clears, every order ends. Process mode: the test raises the alarm with
/// the node's own <c>rabbitmqctl</c>.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Faults")]
public sealed class MemoryAlarmTests(ITestOutputHelper output)
{
    private const string PayOrderQueue = "payments.pay-order";
    private static readonly TimeSpan ConfirmTimeout = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Under_a_memory_alarm_consumers_keep_acking_no_transaction_outlives_the_confirm_timeout_and_every_order_ends()
    {
        await using var system = await FaultSystem.StartAsync("memory-alarm",
            [.. new[] { "orders", "payments" }.Select(service => (service, "Gozon__Messaging__PublishConfirmTimeout", ConfirmTimeout.ToString()))]);
        var burst = new OrderBurst(system.Gateway, users: 10, orders: 40);
        await burst.OpenAccountsAsync();
        await system.App.StopAsync("payments");
        await burst.PlaceAsync();
        await using var broker = await system.ConnectBrokerAsync();
        await using var channel = await broker.CreateChannelAsync();
        await Eventually.UntilAsync(async () => (await channel.QueueDeclarePassiveAsync(PayOrderQueue)).MessageCount,
            n => n >= burst.Planned.Count, "every PayOrder queued");

        await system.RabbitMqCtlAsync("set_vm_memory_high_watermark", "0.0000001");
        try
        {
            await Eventually.UntilAsync(() => system.RabbitMqCtlAsync("eval", "rabbit_alarm:get_alarms()."), alarms => alarms.Contains("memory"),
                "the memory alarm to go off");
            await system.App.StartAsync("payments");

            // Payments takes every PayOrder and acks it (its result waits in its outbox): the acks are not blocked.
            await Eventually.UntilAsync(async () => (await channel.QueueDeclarePassiveAsync(PayOrderQueue)).MessageCount,
                n => n == 0, "Payments to take and ack every PayOrder while the alarm lasts", TimeSpan.FromMinutes(1));
            await using var orders = await system.OpenDatabaseAsync("orders-db");
            await using var payments = await system.OpenDatabaseAsync("payments-db");
            var longest = TimeSpan.Zero;
            await Consistently.HoldsAsync(async () =>
                {
                    longest = Max(longest, Max(await LongestTransactionAsync(orders), await LongestTransactionAsync(payments)));
                    return longest;
                }, age => age < ConfirmTimeout + TimeSpan.FromSeconds(2),
                "every transaction of the services to end within the confirm timeout", 3 * ConfirmTimeout);
            output.WriteLine($"longest transaction during the alarm: {longest.TotalMilliseconds:0} ms");
        }
        finally
        {
            await system.RabbitMqCtlAsync("set_vm_memory_high_watermark", "0.4");
        }

        var outcome = await Invariants.CheckAsync(system, burst);
        output.WriteLine(FaultFigures.Record("broker memory alarm", outcome, 1, system.Restarts, burst) + $"  {outcome}");
        outcome.AssertHolds();
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>The oldest open transaction of a Gozon service in that database, or zero.</summary>
    private static async Task<TimeSpan> LongestTransactionAsync(NpgsqlDataSource database)
    {
        await using var command = database.CreateCommand("""
            SELECT coalesce(max(extract(epoch FROM clock_timestamp() - xact_start)), 0)
            FROM pg_stat_activity
            WHERE datname = current_database() AND application_name LIKE 'Gozon.%' AND xact_start IS NOT NULL
            """);
        return TimeSpan.FromSeconds(Convert.ToDouble(await command.ExecuteScalarAsync()));
    }
}
