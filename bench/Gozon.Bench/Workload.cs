using System.Diagnostics;
using System.Globalization;

namespace Gozon.Bench;

/// <summary>The users and the three ways of placing orders: one at a time, closed loop, open loop.</summary>
public sealed class Workload(GozonClient client, UserTokens tokens, BenchOptions options, ProgressLine progress)
{
    public const decimal RichTopUp = 1_000_000m;
    public const decimal PoorTopUp = 30m;
    private long _orderCounter;

    public IReadOnlyList<string> Users { get; } = Enumerable.Range(0, options.Users)
        .Select(i => string.Create(CultureInfo.InvariantCulture, $"bench-{DateTimeOffset.UtcNow:MMddHHmmss}-{i}"))
        .ToArray();

    /// <summary>What each user was topped up with, for the balance check.</summary>
    public decimal[] TopUps { get; } = new decimal[options.Users];

    public bool IsPoor(int user) => options.PoorUsers > 0 && user % (int)Math.Round(1 / options.PoorUsers) == 0;

    /// <summary>Each user registers, logs in, opens its account and tops it up: all before anything is measured.</summary>
    public async Task CreateUsersAsync(CancellationToken cancellationToken)
    {
        var done = 0;
        var started = DateTimeOffset.UtcNow;
        await Parallel.ForEachAsync(Enumerable.Range(0, Users.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
            async (user, ct) =>
            {
                await tokens.SignInAsync(Users[user], ct);
                await client.CreateAccountAsync(Users[user], ct);
                var amount = IsPoor(user) ? PoorTopUp : RichTopUp;
                await client.TopUpAsync(Users[user], amount, ct);
                TopUps[user] = amount;
                progress.Update($"users: {Interlocked.Increment(ref done)}/{Users.Count} signed in, with accounts and balances");
            });
        progress.Done($"users: {Users.Count} signed in, with accounts ({Enumerable.Range(0, Users.Count).Count(IsPoor)} poor ones topped up with {PoorTopUp}) in {(DateTimeOffset.UtcNow - started).TotalSeconds:0} s");
    }

    /// <summary>1.00 to 9.99, spread evenly.</summary>
    private decimal NextAmount() => 1m + (Interlocked.Increment(ref _orderCounter) * 37 % 900) / 100m;

    /// <summary>Places one order, records it if accepted; returns false on any answer but 202.</summary>
    private async Task<bool> PlaceAsync(
        OrderTracker tracker, List<PlacedOrder> phaseOrders, string phase, int user, DateTimeOffset sentAt, CancellationToken cancellationToken)
    {
        var amount = NextAmount();
        var (order, _) = await client.PlaceOrderAsync(Users[user], amount, cancellationToken);
        if (order is null)
        {
            return false;
        }

        var placed = new PlacedOrder(order.Id, user, amount, phase, sentAt, DateTimeOffset.UtcNow, order.CreatedAt);
        tracker.Add(placed);
        lock (phaseOrders)
        {
            phaseOrders.Add(placed);
        }

        return true;
    }

    /// <summary>One order at a time on an otherwise idle system; waits for each to be final before the next.</summary>
    public async Task<PhaseResult> RunIdleAsync(OrderTracker tracker, CancellationToken cancellationToken)
    {
        var orders = new List<PlacedOrder>();
        var errors = 0;
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < options.IdleOrders; i++)
        {
            var user = i % Users.Count;
            while (IsPoor(user) && Users.Count > 1)
            {
                user = (user + 1) % Users.Count; // idle latency is about the happy path
            }

            if (!await PlaceAsync(tracker, orders, "idle", user, DateTimeOffset.UtcNow, cancellationToken))
            {
                errors++;
                continue;
            }

            // A relaxed poll of this one order: the figure comes from its timestamps, not from when we look.
            var placed = orders[^1];
            for (var wait = 0; wait < 200 && tracker.Get(placed.Id) is not null; wait++)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
                if (await client.GetOrderAsync(Users[user], placed.Id, cancellationToken) is { } view)
                {
                    tracker.Complete(view);
                }
            }

            progress.Update($"idle: {i + 1}/{options.IdleOrders} orders one at a time");
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
        }

        progress.Done();
        return PhaseResult.From("idle", "idle", null, 1, start, DateTimeOffset.UtcNow, orders, errors, 0);
    }

    /// <summary>C clients, each placing its next order as soon as the previous one was accepted (202).</summary>
    public async Task<PhaseResult> RunClosedLoopAsync(
        OrderTracker tracker, int clients, TimeSpan duration, CancellationToken cancellationToken, string? name = null)
    {
        name ??= $"closed-{clients}";
        var orders = new List<PlacedOrder>();
        var errors = 0;
        var start = DateTimeOffset.UtcNow;
        var end = start + duration;
        using var reporting = StartReporting(name, tracker, orders, () => errors, start, duration, cancellationToken);
        await Parallel.ForEachAsync(Enumerable.Range(0, clients),
            new ParallelOptions { MaxDegreeOfParallelism = clients, CancellationToken = cancellationToken },
            async (c, ct) =>
            {
                for (var k = 0; DateTimeOffset.UtcNow < end; k++)
                {
                    var user = (c + k * clients) % Users.Count;
                    if (!await PlaceAsync(tracker, orders, name, user, DateTimeOffset.UtcNow, ct))
                    {
                        Interlocked.Increment(ref errors);
                    }
                }
            });
        var stop = DateTimeOffset.UtcNow;
        await reporting.StopAsync();
        return await FinishAsync(name, "closed", null, clients, start, stop, tracker, orders, errors, 0, cancellationToken);
    }

    /// <summary>
    /// Orders sent on a fixed schedule whatever the system does; each order's latency is measured from its
    /// slot in the schedule, so a stalled system cannot hide its stall (no coordinated omission).
    /// </summary>
    public async Task<PhaseResult> RunOpenLoopAsync(OrderTracker tracker, double rate, CancellationToken cancellationToken)
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"open-{rate:0}/s");
        var orders = new List<PlacedOrder>();
        var errors = 0;
        var late = 0;
        var duration = TimeSpan.FromSeconds(options.OpenDuration);
        var total = (int)(rate * duration.TotalSeconds);
        var inFlight = new List<Task>(total);
        using var reporting = StartReporting(name, tracker, orders, () => errors, DateTimeOffset.UtcNow, duration, cancellationToken);
        var clock = Stopwatch.StartNew();
        var start = DateTimeOffset.UtcNow;
        for (var i = 0; i < total; i++)
        {
            var due = TimeSpan.FromSeconds(i / rate);
            var ahead = due - clock.Elapsed;
            if (ahead > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(ahead, cancellationToken);
            }
            else if (ahead < TimeSpan.FromMilliseconds(-50))
            {
                late++;
            }

            var user = i % Users.Count;
            var sentAt = start + due;
            inFlight.Add(Task.Run(async () =>
            {
                if (!await PlaceAsync(tracker, orders, name, user, sentAt, cancellationToken))
                {
                    Interlocked.Increment(ref errors);
                }
            }, cancellationToken));
        }

        await Task.WhenAll(inFlight);
        var stop = start + duration;
        await reporting.StopAsync();
        return await FinishAsync(name, "open", rate, null, start, stop, tracker, orders, errors, late, cancellationToken);
    }

    private async Task<PhaseResult> FinishAsync(
        string name, string kind, double? rate, int? clients, DateTimeOffset start, DateTimeOffset stop, OrderTracker tracker,
        List<PlacedOrder> orders, int errors, int late, CancellationToken cancellationToken)
    {
        var drained = await tracker.DrainAsync(TimeSpan.FromSeconds(options.DrainTimeout), progress.Update, cancellationToken);
        progress.Done();
        if (!drained)
        {
            progress.Line($"{name}: {tracker.Pending} order(s) still not final after {options.DrainTimeout} s");
        }

        return PhaseResult.From(name, kind, rate, clients, start, stop, orders, errors, late);
    }

    private Reporter StartReporting(
        string name, OrderTracker tracker, List<PlacedOrder> orders, Func<int> errors, DateTimeOffset start, TimeSpan duration,
        CancellationToken cancellationToken) =>
        new(progress, () =>
        {
            var elapsed = DateTimeOffset.UtcNow - start;
            int accepted;
            lock (orders)
            {
                accepted = orders.Count;
            }

            return string.Create(CultureInfo.InvariantCulture,
                $"{name}: {Math.Min(elapsed.TotalSeconds, duration.TotalSeconds),4:0}/{duration.TotalSeconds:0} s  accepted {accepted} ({accepted / Math.Max(elapsed.TotalSeconds, 0.001):0}/s)  final {tracker.Completed}  not final {tracker.Pending}  errors {errors()}");
        }, cancellationToken);

    /// <summary>Refreshes the progress line once a second until stopped.</summary>
    private sealed class Reporter : IDisposable
    {
        private readonly CancellationTokenSource _stop;
        private readonly Task _loop;

        public Reporter(ProgressLine progress, Func<string> line, CancellationToken cancellationToken)
        {
            _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            _loop = Task.Run(async () =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
                try
                {
                    while (await timer.WaitForNextTickAsync(_stop.Token))
                    {
                        progress.Update(line());
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await _loop;
        }

        public void Dispose() => _stop.Dispose();
    }
}
