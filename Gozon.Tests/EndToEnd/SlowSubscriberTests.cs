using System.Collections.Concurrent;
using System.Diagnostics;
using Gozon.Orders.Orders;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Xunit.Abstractions;

namespace Gozon.Tests.EndToEnd;

/// <summary>
/// A subscriber that stops reading its socket costs the others nothing (issue 15). Both clients are on the same
/// Orders replica, through its own address rather than the gateway, so they share that replica's push loop.
/// </summary>
[Collection(GozonSystemCollection.Name)]
public sealed class SlowSubscriberTests(GozonAppFixture system, ITestOutputHelper output)
{
    // Orders per second for the silent subscriber's user: what this shared machine sustains beside everything else
    // (the report's 120/s queues payments here for tens of seconds). Each is pushed to it twice.
    private const double FloodRate = 40;
    private const int MaxFloodOrders = 4_000;
    private static readonly TimeSpan OtherOrderInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxLag = TimeSpan.FromSeconds(1);

    // The silent client pings, so SignalR's own client timeout never ends it: only the push path can.
    private static readonly TimeSpan DropWithin = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan AfterDrop = TimeSpan.FromSeconds(3);

    // Every push as big as an order can make it.
    private static readonly string LongDescription = new('x', Order.MaxDescriptionLength);

    private readonly GozonApi _api = new(system.Gateway);

    [Fact]
    public async Task A_subscriber_that_never_reads_is_dropped_and_the_others_still_get_every_change_within_a_second()
    {
        var replica = system.App.Replicas("orders")[0].HttpEndpoint;
        var silentUser = system.NewUserId();
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 1000);
        await using var silent = await SilentSubscriber.ConnectAsync(replica, silentUser, system.App.GatewayKey);
        await using var subscriber = await OrderStatusSubscriber.ConnectToReplicaAsync(replica, user, system.App.GatewayKey);
        await subscriber.SubscribeToMyOrdersAsync();
        // The same user on the other replica hears of each change at the same time but shares no push loop with the
        // silent client: the fair yardstick on a machine whose load alone can delay every push by seconds.
        await using var control = await OrderStatusSubscriber.ConnectToReplicaAsync(system.App.Replicas("orders")[1].HttpEndpoint, user, system.App.GatewayKey);
        await control.SubscribeToMyOrdersAsync();

        // The other user's orders, accepted by the API at these times: while the silent client's buffers fill, while
        // it is stuck, and after it is gone.
        var accepted = new List<(Guid Id, long At)>();
        TimeSpan? dropped = null;
        List<Guid> flooded;
        using (var stopFlood = new CancellationTokenSource())
        {
            var flood = Task.Run(() => FloodAsync(silentUser, stopFlood.Token));
            try
            {
                using var pace = new PeriodicTimer(OtherOrderInterval); // the offered load, not a wait for the system
                var deadline = Stopwatch.StartNew();
                while (await pace.WaitForNextTickAsync()
                    && deadline.Elapsed < DropWithin && !(dropped is { } at && silent.SilentFor > at + AfterDrop))
                {
                    var placed = await _api.PlaceOrderAsync(user, 1, "the other user's order");
                    accepted.Add((placed.Id, Stopwatch.GetTimestamp()));
                    if (dropped is null && silent.Dropped.IsCompleted)
                    {
                        dropped = await silent.Dropped;
                    }
                }
            }
            finally
            {
                await stopFlood.CancelAsync();
                flooded = await flood;
            }
        }

        if (dropped is null && silent.Dropped.IsCompleted)
        {
            dropped = await silent.Dropped;
        }

        var ids = accepted.Select(a => a.Id).ToList();
        // Every order's final status, once the API shows it, is pushed within the bound too.
        await _api.WaitForAllFinalAsync(user, ids.Count, TimeSpan.FromSeconds(120));
        var finalPushed = Stopwatch.StartNew();
        var finalsInTime = await subscriber.WaitForFinalAsync(ids, MaxLag).ContinueWith(t => t.IsCompletedSuccessfully);
        var finalLag = finalPushed.Elapsed;

        // Each order's first push on the silent client's replica: after the API accepted it (committed), and after
        // the other replica pushed it; never pushed counts as forever.
        var lags = accepted.Select(a => (a.Id, Lag: Lag(a.At, subscriber, a.Id), Behind: Lag(control.FirstPushedAt.GetValueOrDefault(a.Id, a.At), subscriber, a.Id))).ToList();
        output.WriteLine($"{flooded.Count} orders for the silent subscriber's user at up to {FloodRate}/s");
        output.WriteLine($"silent subscriber (silent since {silent.SilentSince:HH:mm:ss.fff} UTC) dropped: {(dropped is { } after ? $"{after.TotalSeconds:0.0} s after it fell silent" : "no")}");
        output.WriteLine($"the other user's {lags.Count} orders, first push after the API accepted them: max {Describe(lags.Max(l => l.Lag))}, "
            + $"median {Describe(lags.Select(l => l.Lag).Order().ElementAt(lags.Count / 2))}; after the other replica's: max {Describe(lags.Max(l => l.Behind))}; "
            + $"all final at the subscriber {(finalsInTime ? $"{finalLag.TotalMilliseconds:0} ms" : "not within 1 s")} after the API");
        output.WriteLine(string.Join(", ", lags.Select(l => $"{Describe(l.Lag)} ({Describe(l.Behind)})")));
        if (flooded.Count > 0)
        {
            // Leave a quiet system to the next test: the flood's orders settle first to last.
            await _api.WaitForFinalStatusAsync(silentUser, flooded[^1], TimeSpan.FromSeconds(120));
        }

        Assert.Multiple(
            () => Assert.All(lags, l => Assert.True(l.Behind <= MaxLag, $"order {l.Id}: first pushed {Describe(l.Behind)} after the other replica pushed it")),
            () => Assert.True(finalsInTime, $"the final statuses were not all pushed within {MaxLag} of the API showing them"),
            () => Assert.True(dropped is not null, $"the subscriber that never reads was not dropped within {DropWithin}"));
    }

    private static TimeSpan Lag(long since, OrderStatusSubscriber subscriber, Guid orderId) =>
        subscriber.FirstPushedAt.TryGetValue(orderId, out var pushed)
            ? TimeSpan.FromTicks(Math.Max(0, Stopwatch.GetElapsedTime(since, pushed).Ticks))
            : TimeSpan.MaxValue;

    private static string Describe(TimeSpan lag) => lag == TimeSpan.MaxValue ? "never" : $"{lag.TotalMilliseconds:0} ms";

    /// <summary>Orders for the silent subscriber's user, each pushed to it twice (placed, then cancelled: no account).</summary>
    private async Task<List<Guid>> FloodAsync(string userId, CancellationToken cancellationToken)
    {
        var placed = new ConcurrentQueue<Guid>();
        var started = Stopwatch.StartNew();
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, MaxFloodOrders),
                new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
                async (i, token) =>
                {
                    if (TimeSpan.FromSeconds(i / FloodRate) - started.Elapsed is { Ticks: > 0 } wait)
                    {
                        await Task.Delay(wait, token); // pacing the offered load, not waiting for the system
                    }

                    placed.Enqueue((await _api.PlaceOrderAsync(userId, 1, LongDescription)).Id);
                });
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }

        return [.. placed];
    }
}
