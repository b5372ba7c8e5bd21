using System.Text;
using Gozon.Tests.Support;
using Npgsql;
using RabbitMQ.Client;
using Xunit.Abstractions;

namespace Gozon.Tests.Faults;

/// <summary>
/// Handlers that fail for a while (<c>Gozon:Faults:FailHandlerAttempts</c>): each failure is retried later, with a delay
/// that doubles, and only a message that fails every allowed attempt reaches its dead-letter queue, where the services
/// report it (health Degraded) until the dashboard's redrive sends it back.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Faults")]
public sealed class HandlerFailureTests(ITestOutputHelper output)
{
    private const string PayOrderQueue = "payments.pay-order";
    private static readonly TimeSpan RetryDelay = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task Handlers_failing_twice_on_every_message_are_retried_later_and_every_order_ends_with_nothing_dead_lettered()
    {
        (string, string, string)[] failTwice =
        [
            .. new[] { "orders", "payments" }.SelectMany(service => new[]
            {
                (service, "Gozon__Faults__FailHandlerAttempts", "2"),
                (service, "Gozon__Messaging__RetryDelay", RetryDelay.ToString()),
            }),
        ];
        await using var system = await FaultSystem.StartAsync("handlers-fail-twice", failTwice);
        var burst = new OrderBurst(system.Gateway, users: 10, orders: 40);
        await burst.OpenAccountsAsync();
        await burst.PlaceAsync();

        var outcome = await Invariants.CheckAsync(system, burst);
        output.WriteLine(FaultFigures.Record("handlers fail twice per message", outcome, 4 * burst.Planned.Count, system.Restarts, burst)
            + $"  {outcome}");
        outcome.AssertHolds();
        // Two hops, each retried after RetryDelay and twice that (less 10% jitter): no order can end sooner.
        var fastest = await FastestOrderAsync(system, burst);
        Assert.True(fastest >= 2 * 3 * RetryDelay * 0.9, $"an order ended {fastest.TotalMilliseconds:0} ms after it was placed");
    }

    [Fact]
    public async Task Messages_failing_every_attempt_are_dead_lettered_reported_and_redriven_from_the_dashboard()
    {
        await using var system = await FaultSystem.StartAsync("handlers-always-fail",
            ("payments", "Gozon__Faults__FailHandlerAttempts", "1000"),
            ("payments", "Gozon__Messaging__MaxHandlerAttempts", "3"),
            ("payments", "Gozon__Messaging__RetryDelay", RetryDelay.ToString()),
            ("payments", "Gozon__Messaging__DeadLetterCheckInterval", "00:00:00.500"),
            // Orders must not ask again meanwhile: the redrive alone is to end these orders.
            ("orders", "Gozon__Orders__PaymentTimeout", "00:10:00"));
        var burst = new OrderBurst(system.Gateway, users: 5, orders: 20);
        await burst.OpenAccountsAsync();
        await burst.PlaceAsync();

        await using var broker = await system.ConnectBrokerAsync();
        await using var channel = await broker.CreateChannelAsync();
        await Eventually.UntilAsync(async () => (await channel.QueueDeclarePassiveAsync(PayOrderQueue + ".dlq")).MessageCount,
            n => n == burst.Planned.Count, "every PayOrder in the dead-letter queue", TimeSpan.FromMinutes(1));
        Assert.Contains("failed on each of 3 attempts", await PeekReasonAsync(channel, PayOrderQueue + ".dlq"));
        using var payments = system.App.CreateHttpClient("payments");
        await Eventually.UntilAsync(() => payments.GetStringAsync("/health"), h => h == "Degraded", "Payments to report Degraded");

        var message = await system.App.ExecuteCommandAsync("rabbitmq", "redrive-dead-letters");

        Assert.Contains($"{burst.Planned.Count} to {PayOrderQueue}", message);
        var outcome = await Invariants.CheckAsync(system, burst);
        output.WriteLine(FaultFigures.Record("handlers always fail, then redrive", outcome, burst.Planned.Count, system.Restarts, burst)
            + $"  {outcome}");
        outcome.AssertHolds();
    }

    private static async Task<string?> PeekReasonAsync(IChannel channel, string queue)
    {
        var message = await channel.BasicGetAsync(queue, autoAck: false) ?? throw new InvalidOperationException($"{queue} is empty");
        await channel.BasicNackAsync(message.DeliveryTag, multiple: false, requeue: true);
        return message.BasicProperties.Headers?.TryGetValue("x-gozon-dead-letter-reason", out var reason) == true && reason is byte[] bytes
            ? Encoding.UTF8.GetString(bytes)
            : null;
    }

    private static async Task<TimeSpan> FastestOrderAsync(FaultSystem system, OrderBurst burst)
    {
        await using var orders = await system.OpenDatabaseAsync("orders-db");
        await using var command = orders.CreateCommand(
            "SELECT min(extract(epoch FROM updated_at - created_at)) FROM orders WHERE user_id = ANY(@users)");
        command.Parameters.AddWithValue("users", burst.Users.ToArray());
        return TimeSpan.FromSeconds(Convert.ToDouble(await command.ExecuteScalarAsync()));
    }
}
