using System.Globalization;
using Xunit.Abstractions;

namespace Gozon.Tests.Faults;

/// <summary>
/// Scenario 7: a steady load on two replicas of Orders and Payments, then the same invariants as every fault
/// scenario, and every service's memory flat after warm-up. CI runs 90 seconds; <c>./soak.sh MINUTES</c> runs
/// it for as long as you like (GOZON_SOAK_SECONDS and GOZON_SOAK_RATE set the length and the orders per second).
/// </summary>
[Collection(FaultCollection.Name)]
[Trait("Category", "Soak")]
public sealed class SoakTests(ITestOutputHelper output)
{
    private const int Users = 50;

    [Fact]
    public async Task A_steady_load_on_two_replicas_keeps_every_guarantee_and_memory_stays_flat()
    {
        var duration = TimeSpan.FromSeconds(Setting("GOZON_SOAK_SECONDS", 90));
        var rate = Setting("GOZON_SOAK_RATE", 10);
        var orders = (int)(duration.TotalSeconds * rate);
        // Balances cover about four fifths of what each user orders: the late orders of a user are cancelled.
        var balance = Math.Round(0.8m * 32.5m * orders / Users);

        await using var system = await FaultSystem.StartAsync("soak");
        var burst = new OrderBurst(system.Gateway, Users, orders, balance);
        await burst.OpenAccountsAsync();
        await using (var memory = new MemorySampler(system.App, TimeSpan.FromSeconds(2)))
        {
            await burst.PlaceAsync(concurrency: 16, ratePerSecond: rate);
            var outcome = await Invariants.CheckAsync(system, burst);
            var trends = memory.Trends(warmUp: duration / 3);

            var minutes = duration.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
            output.WriteLine(FaultFigures.Record($"soak {minutes} min at {rate}/s, 2 replicas", outcome, 0, system.Restarts, burst) + $"  {outcome}");
            output.WriteLine(FaultFigures.RecordMemory(trends));
            outcome.AssertHolds();
            Assert.Equal(0, system.Restarts);
            Assert.Contains(trends, t => t.Replica.StartsWith("orders", StringComparison.Ordinal));
            Assert.All(trends, trend => Assert.True(trend.IsFlat,
                $"{trend.Replica} grew from {trend.AfterWarmUpBytes >> 20} MB after warm-up to {trend.AtEndBytes >> 20} MB at the end"));
        }
    }

    private static int Setting(string variable, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(variable), CultureInfo.InvariantCulture, out var value) && value > 0 ? value : fallback;
}
