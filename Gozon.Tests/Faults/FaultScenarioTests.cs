using System.Collections.Concurrent;
using Gozon.Messaging.Broker;
using Gozon.Tests.Support;
using Xunit.Abstractions;

namespace Gozon.Tests.Faults;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FaultCollection
{
    public const string Name = "Faults";
}

/// <summary>
/// Kill things on purpose while a burst of orders runs, then count: no order lost, no double debit, no
/// effect without its status, nothing dead-lettered. Each scenario gets a system of its own.
/// Run alone with <c>dotnet test Gozon.Tests -c Release --filter Category=Faults</c>.
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Faults")]
public sealed class FaultScenarioTests(ITestOutputHelper output)
{
    private const int Users = 50;
    private const int Orders = 300;

    [Theory]
    [InlineData("orders", "orders.after-commit-before-response", 0.05)]
    [InlineData("orders", "outbox.after-confirm-before-mark", 0.05)]
    [InlineData("payments", "outbox.after-confirm-before-mark", 0.05)]
    [InlineData("payments", "payments.pay-order.after-commit-before-ack", 0.05)]
    [InlineData("orders", "orders.payment-results.after-commit-before-ack", 0.05)]
    public async Task A_crash_point_hit_again_and_again_loses_nothing_and_pays_once(string service, string crashPoint, double probability)
    {
        // The outbox point is reached once per published batch: batches of one make its probability per message,
        // like every other point's, without turning a crash into a loop over the same large batch.
        await using var system = await FaultSystem.StartAsync(
            $"crash-{service}-{crashPoint}",
            (service, "Gozon__Faults__CrashAt", $"{crashPoint}:{probability.ToString(System.Globalization.CultureInfo.InvariantCulture)}"),
            (service, "Gozon__Messaging__OutboxBatchSize", "1"),
            // Asking again after 30 s doubles the backlog of a Payments that dies every ~20 messages (measured: 259 orders
            // still New after 180 s, the queue growing); crash loops that cost less are issue 15's. Here: no second asking.
            ("orders", "Gozon__Orders__PaymentTimeout", "00:10:00"));
        var burst = new OrderBurst(system.Gateway, Users, Orders);
        await burst.OpenAccountsAsync();

        await burst.PlaceAsync();

        // A deadline for a stuck system, not a timing goal (quiesce times are reported): with two CPU hogs beside the
        // suite, a replica that crashes every ~20 results restarts dozens of times, and the Orders result-crash
        // scenario needed over 180 s in one run of three (all orders final, 89 copies still queued at the deadline).
        var outcome = await Invariants.CheckAsync(system, burst, timeout: TimeSpan.FromMinutes(6));
        Report($"crash {service} {crashPoint} @{probability * 100:0}%", outcome, system.Restarts, system.Restarts, burst);
        Assert.True(system.Restarts > 0, $"{crashPoint} was never reached: the scenario proved nothing");
        outcome.AssertHolds();
    }

    [Fact]
    public async Task Payments_then_orders_killed_mid_burst_lose_nothing_and_pay_once()
    {
        await using var system = await FaultSystem.StartAsync("sigkill");
        var burst = new OrderBurst(system.Gateway, Users, Orders);
        await burst.OpenAccountsAsync();

        await burst.PlaceAsync(progress: async accepted =>
        {
            if (accepted == Orders / 3)
            {
                system.App.Kill("payments", replica: 0);
            }
            else if (accepted == 2 * Orders / 3)
            {
                system.App.Kill("orders", replica: 1);
            }
        });

        var outcome = await Invariants.CheckAsync(system, burst);
        Report("SIGKILL payments-0, then orders-1", outcome, 2, system.Restarts, burst);
        outcome.AssertHolds();
    }

    [Fact]
    public async Task RabbitMq_restarted_mid_burst_loses_nothing_and_pays_once()
    {
        await using var system = await FaultSystem.StartAsync("rabbitmq-restart");
        var burst = new OrderBurst(system.Gateway, Users, Orders);
        await burst.OpenAccountsAsync();

        await burst.PlaceAsync(progress: async accepted =>
        {
            if (accepted == Orders / 3)
            {
                await system.App.StopAsync("rabbitmq");
                await system.App.StartAsync("rabbitmq");
                await system.WaitForHealthyAsync("rabbitmq");
            }
        });

        var outcome = await Invariants.CheckAsync(system, burst);
        Report("RabbitMQ stopped and started", outcome, 1, system.Restarts, burst);
        outcome.AssertHolds();
    }

    [Fact]
    public async Task PostgreSql_down_for_ten_seconds_answers_503_never_500_and_recovers()
    {
        await using var system = await FaultSystem.StartAsync("postgres-outage");
        var burst = new OrderBurst(system.Gateway, Users, Orders);
        await burst.OpenAccountsAsync();

        await burst.PlaceAsync(only: ..(Orders / 3));

        // DCP delivers a stop seconds after the command (more under load): the outage starts when the API says so, and
        // only then do the rest of the orders arrive, paced over the ten seconds it lasts (an unpaced burst of them, or
        // one sent before the stop took effect, saw no 503: measured 202 x 300).
        await system.App.StopAsync("postgres");
        var api = new GozonApi(system.Gateway);
        await Eventually.UntilAsync(
            async () => await StatusOfAsync(() => api.SendAsync(HttpMethod.Get, "/api/orders", burst.Users[0])),
            status => status == 503, "the API to answer 503 with PostgreSQL stopped", TimeSpan.FromMinutes(1));
        var outage = Task.Run(async () =>
        {
            // The outage itself lasts ten seconds by definition of the scenario; nothing waits on it.
            await Task.Delay(TimeSpan.FromSeconds(10));
            await system.App.StartAsync("postgres");
            await system.WaitForHealthyAsync("postgres");
        });
        await burst.PlaceAsync(ratePerSecond: 20, only: (Orders / 3)..);
        await outage;

        var outcome = await Invariants.CheckAsync(system, burst);
        Report("PostgreSQL stopped for 10 s", outcome, 1, system.Restarts, burst);
        Assert.False(burst.Statuses.ContainsKey(500), "a request answered 500 while PostgreSQL was down");
        Assert.True(burst.Statuses.ContainsKey(503), "no request saw the outage (expected 503 problems)");
        outcome.AssertHolds();
    }

    [Fact]
    public async Task Every_message_delivered_twice_has_one_effect()
    {
        await using var system = await FaultSystem.StartAsync(
            "duplicates", ("orders", "Gozon__Faults__PublishTwice", "true"), ("payments", "Gozon__Faults__PublishTwice", "true"));
        var burst = new OrderBurst(system.Gateway, Users, Orders);
        await burst.OpenAccountsAsync();

        await burst.PlaceAsync();

        var outcome = await Invariants.CheckAsync(system, burst);
        // One PayOrder and one result per order, each sent twice.
        Report("every message published twice", outcome, 2 * Orders, system.Restarts, burst);
        outcome.AssertHolds();
    }

    [Fact]
    public async Task Malformed_unknown_and_oversized_messages_mid_burst_are_dead_lettered_with_the_reason_and_nothing_else_is()
    {
        await using var system = await FaultSystem.StartAsync("poison");
        await using var broker = await BrokerClient.ConnectAsync(await system.App.GetConnectionStringAsync("rabbitmq"));
        var burst = new OrderBurst(system.Gateway, Users, Orders);
        await burst.OpenAccountsAsync();
        var sent = new ConcurrentDictionary<Guid, PoisonMessage>();
        using var oneRoundAtATime = new SemaphoreSlim(1);

        await burst.PlaceAsync(progress: async accepted =>
        {
            if (accepted % (Orders / 3) == 0)
            {
                await oneRoundAtATime.WaitAsync();
                try
                {
                    foreach (var poison in PoisonMessages.All)
                    {
                        sent[await broker.PublishAsync(poison)] = poison;
                    }
                }
                finally
                {
                    oneRoundAtATime.Release();
                }
            }
        });

        var outcome = await Invariants.CheckAsync(system, burst);
        var deadLetters = (await broker.DrainDeadLettersAsync(BrokerTopology.PayOrderQueue))
            .Concat(await broker.DrainDeadLettersAsync(BrokerTopology.PaymentResultsQueue)).ToList();
        Report("malformed, unknown-type, oversized messages", outcome, sent.Count, system.Restarts, burst);
        outcome.AssertHolds(expectedDeadLetters: sent.Count);
        Assert.Equal(sent.Keys.Select(id => id.ToString()).Order(), deadLetters.Select(PoisonMessages.IdOf).Order());
        Assert.All(deadLetters, deadLetter =>
        {
            var poison = sent[Guid.Parse(PoisonMessages.IdOf(deadLetter)!)];
            Assert.Contains(poison.ReasonContains, deadLetter.Reason);
            Assert.Equal(poison.Queue, deadLetter.FromQueue);
        });
    }

    private static async Task<int> StatusOfAsync(Func<Task<HttpResponseMessage>> send)
    {
        try
        {
            using var response = await send();
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    private void Report(string scenario, FaultOutcome outcome, int faults, int restarts, OrderBurst burst) =>
        output.WriteLine(FaultFigures.Record(scenario, outcome, faults, restarts, burst) + $"  {outcome}");
}
