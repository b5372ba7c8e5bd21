namespace Gozon.Bench;

/// <summary>
/// What must hold after any load, checked through the public API: every accepted order is final, nothing
/// was lost or invented, and each balance is exactly its top-up minus the orders it paid.
/// </summary>
public sealed class Invariants(GozonClient client, Workload workload, OrderTracker tracker)
{
    public async Task<List<string>> CheckAsync(Action<string> progress, CancellationToken cancellationToken)
    {
        var violations = new List<string>();
        if (tracker.Pending > 0)
        {
            violations.Add($"{tracker.Pending} accepted order(s) never reached a final status");
        }

        var placedByUser = tracker.All.ToLookup(o => o.User);
        var done = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, workload.Users.Count),
            new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken },
            async (user, ct) =>
            {
                var userId = workload.Users[user];
                var orders = await client.ListOrdersAsync(userId, 1000, ct);
                var problems = new List<string>();
                var placed = placedByUser[user].ToDictionary(o => o.Id);
                if (orders.Count >= 1000)
                {
                    problems.Add($"{userId}: 1000 or more orders, too many for this check; use more users");
                }

                foreach (var id in placed.Keys.Except(orders.Select(o => o.Id)))
                {
                    problems.Add($"{userId}: accepted order {id} is missing");
                }

                // Orders the bench does not know of can only come from POSTs that failed on the client side.
                var paid = orders.Where(o => o.Status == "Finished").Sum(o => o.Amount);
                foreach (var order in orders)
                {
                    if (!order.IsFinal)
                    {
                        problems.Add($"{userId}: order {order.Id} is still {order.Status}");
                    }
                    else if (order.Status == "Cancelled" && (order.FailureReason != "InsufficientFunds" || !workload.IsPoor(user)))
                    {
                        problems.Add($"{userId}: order {order.Id} cancelled ({order.FailureReason}) though its account could pay");
                    }
                }

                var balance = await client.GetBalanceAsync(userId, ct);
                if (balance != workload.TopUps[user] - paid)
                {
                    problems.Add($"{userId}: balance {balance} but top-ups {workload.TopUps[user]} - paid {paid} = {workload.TopUps[user] - paid}");
                }

                if (balance < 0)
                {
                    problems.Add($"{userId}: negative balance {balance}");
                }

                lock (violations)
                {
                    violations.AddRange(problems);
                }

                progress($"checking invariants: {Interlocked.Increment(ref done)}/{workload.Users.Count} users");
            });
        return violations;
    }
}
