using Gozon.Tests.Support;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Gozon.Tests.Faults;

/// <summary>
/// Every order ends, even when its messages are gone: Orders asks again about an order still New after the payment timeout
/// (2 s here, 30 s by default), and Payments answers a repeated request with the result it recorded, never debiting twice.
/// Without either half, these orders stay New and <see cref="Invariants.CheckAsync"/> times out.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Faults")]
public sealed class LostMessageTests(ITestOutputHelper output)
{
    private const int Users = 10;
    private const int Orders = 40;
    private const string PayOrderQueue = "payments.pay-order";
    private const string ResultsQueue = "orders.payment-results";

    private static readonly (string, string, string)[] QuickPaymentRequests =
    [
        ("orders", "Gozon__Orders__PaymentTimeout", "00:00:02"),
        ("orders", "Gozon__Orders__CheckInterval", "00:00:00.500"),
    ];

    [Fact]
    public async Task PayOrders_removed_from_the_broker_are_sent_again_and_every_order_ends_debited_once()
    {
        var (system, burst) = await PlaceWhilePaymentsIsDownAsync("lost-pay-orders");
        await using var _ = system;

        // As after an operator's purge or a broker that lost its disk: every PayOrder sent so far is gone.
        await using var broker = await system.ConnectBrokerAsync();
        await using var channel = await broker.CreateChannelAsync();
        await WaitForQueuedAsync(channel, PayOrderQueue, Orders);
        var purged = await channel.QueuePurgeAsync(PayOrderQueue);
        await system.App.StartAsync("payments");

        var outcome = await Invariants.CheckAsync(system, burst, lostPayOrders: purged);
        output.WriteLine(FaultFigures.Record("PayOrders purged while Payments was down", outcome, (int)purged, system.Restarts, burst) + $"  {outcome}");
        Assert.True(purged >= Orders, $"only {purged} PayOrders were purged");
        outcome.AssertHolds();
    }

    [Fact]
    public async Task PayOrders_dead_lettered_are_sent_again_and_every_order_ends_debited_once()
    {
        var (system, burst) = await PlaceWhilePaymentsIsDownAsync("dead-lettered-pay-orders");
        await using var _ = system;

        await using var broker = await system.ConnectBrokerAsync();
        await using var channel = await broker.CreateChannelAsync();
        await WaitForQueuedAsync(channel, PayOrderQueue, Orders);
        var moved = await DeadLetterAllAsync(channel, PayOrderQueue);
        await system.App.StartAsync("payments");

        var outcome = await Invariants.CheckAsync(system, burst, lostPayOrders: moved);
        output.WriteLine(FaultFigures.Record("PayOrders dead-lettered", outcome, moved, system.Restarts, burst) + $"  {outcome}");
        outcome.AssertHolds(expectedDeadLetters: moved);
    }

    [Fact]
    public async Task Payment_results_dead_lettered_are_asked_for_again_and_every_order_ends_debited_once()
    {
        var (system, burst) = await PlaceWhilePaymentsIsDownAsync("dead-lettered-results");
        await using var _ = system;
        await system.App.StopAsync("orders");

        // Payments pays every order while Orders is down; then the results are dead-lettered unread.
        await system.App.StartAsync("payments");
        await using var broker = await system.ConnectBrokerAsync();
        await using var channel = await broker.CreateChannelAsync();
        await WaitForQueuedAsync(channel, ResultsQueue, Orders);
        var moved = await DeadLetterAllAsync(channel, ResultsQueue);
        await system.App.StartAsync("orders");

        var outcome = await Invariants.CheckAsync(system, burst);
        output.WriteLine(FaultFigures.Record("payment results dead-lettered", outcome, moved, system.Restarts, burst) + $"  {outcome}");
        Assert.True(moved >= Orders, $"only {moved} results were dead-lettered");
        outcome.AssertHolds(expectedDeadLetters: moved);
    }

    /// <summary>A system of its own, the burst's accounts opened, Payments stopped, then every order placed.</summary>
    private static async Task<(FaultSystem System, OrderBurst Burst)> PlaceWhilePaymentsIsDownAsync(string scenario)
    {
        var system = await FaultSystem.StartAsync(scenario, QuickPaymentRequests);
        try
        {
            var burst = new OrderBurst(system.Gateway, Users, Orders);
            await burst.OpenAccountsAsync();
            await system.App.StopAsync("payments");
            await burst.PlaceAsync();
            return (system, burst);
        }
        catch
        {
            await system.DisposeAsync();
            throw;
        }
    }

    private static Task WaitForQueuedAsync(IChannel channel, string queue, int count) =>
        Eventually.UntilAsync(
            async () => (await channel.QueueDeclarePassiveAsync(queue)).MessageCount,
            queued => queued >= count,
            $"{count} messages in {queue}");

    /// <summary>Moves every message of <paramref name="queue"/> to its dead-letter queue, as the broker would after a handler's last failure.</summary>
    private static async Task<int> DeadLetterAllAsync(IChannel channel, string queue)
    {
        var moved = 0;
        while (await channel.BasicGetAsync(queue, autoAck: false) is { } message)
        {
            var properties = new BasicProperties(message.BasicProperties);
            await channel.BasicPublishAsync("", $"{queue}.dlq", mandatory: true, properties, message.Body);
            await channel.BasicAckAsync(message.DeliveryTag, multiple: false);
            moved++;
        }

        return moved;
    }
}
