using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Gozon.Tests.Support;

namespace Gozon.Tests.Faults;

/// <summary>One order a client wanted: its key makes every retry the same order.</summary>
public sealed record PlannedOrder(string UserId, string IdempotencyKey, decimal Amount)
{
    public Guid? AcceptedId { get; set; }
}

/// <summary>
/// Many users with known balances, then a few hundred orders as a real client places them: each with an
/// Idempotency-Key, retried (same key) on timeouts, 502/503 and dropped connections until accepted.
/// </summary>
public sealed class OrderBurst(HttpClient gateway, int users, int orders, decimal balance = 200m)
{
    private static readonly TimeSpan RetryFor = TimeSpan.FromMinutes(2);

    public List<string> Users { get; } = Enumerable.Range(0, users).Select(_ => $"fault-{Guid.NewGuid():N}"[..24]).ToList();

    public decimal InitialBalance => balance;

    public List<PlannedOrder> Planned { get; } = [];

    /// <summary>Answers seen per HTTP status while placing (e.g. 503 while PostgreSQL is down); 500 must never appear.</summary>
    public ConcurrentDictionary<int, int> Statuses { get; } = new();

    public int Accepted => Planned.Count(o => o.AcceptedId is not null);

    public async Task OpenAccountsAsync()
    {
        var api = new GozonApi(gateway);
        // A few at a time: each new shopper is first registered and signed in, two password hashes at the gateway.
        await Parallel.ForEachAsync(Users, new ParallelOptions { MaxDegreeOfParallelism = 4 },
            async (user, _) => await api.OpenAccountWithAsync(user, balance));

        // Amounts from 5 to 60: about a third of the orders outrun their user's balance and are cancelled.
        for (var i = 0; i < orders; i++)
        {
            Planned.Add(new PlannedOrder(Users[i % Users.Count], Guid.NewGuid().ToString(), 5 + (i * 7 % 56)));
        }
    }

    /// <summary>
    /// Places the planned orders (those in <paramref name="only"/>, or all); <paramref name="progress"/> sees the count
    /// accepted so far in this call. With a <paramref name="ratePerSecond"/>, the i-th order of the call is not sent
    /// before i / rate seconds: a steady offered load.
    /// </summary>
    public async Task PlaceAsync(
        int concurrency = 8, Func<int, Task>? progress = null, double? ratePerSecond = null, Range? only = null)
    {
        var accepted = 0;
        var started = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Planned.Take(only ?? Range.All).Select((order, index) => (order, index)), new ParallelOptions { MaxDegreeOfParallelism = concurrency },
            async (planned, _) =>
            {
                if (ratePerSecond is { } rate && TimeSpan.FromSeconds(planned.index / rate) - started.Elapsed is { } wait && wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait); // pacing the offered load, not waiting for the system
                }

                planned.order.AcceptedId = await PlaceWithRetriesAsync(planned.order);
                var count = Interlocked.Increment(ref accepted);
                if (progress is not null)
                {
                    await progress(count);
                }
            });
    }

    private async Task<Guid> PlaceWithRetriesAsync(PlannedOrder order)
    {
        var deadline = DateTime.UtcNow + RetryFor;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, "api/orders")
                {
                    Content = JsonContent.Create(new { amount = order.Amount, description = "fault burst" }),
                };
                request.Headers.Add(GozonApi.UserHeader, order.UserId);
                request.Headers.Add("Idempotency-Key", order.IdempotencyKey);
                using var response = await gateway.SendAsync(request);
                Statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return (await response.Content.ReadFromJsonAsync<OrderDto>())!.Id;
                }

                if (response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout))
                {
                    throw new InvalidOperationException(
                        $"POST /api/orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && DateTime.UtcNow < deadline)
            {
                Statuses.AddOrUpdate(0, 1, (_, n) => n + 1); // no answer at all: the replica died mid-request
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"order {order.IdempotencyKey} was not accepted within {RetryFor}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2000, 100 * (1 << Math.Min(attempt, 5))))); // client back-off
        }
    }
}
