using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Gozon.Testing;
using Gozon.Tests.Faults;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Npgsql;
using Xunit.Abstractions;

namespace Gozon.Tests.EndToEnd;

/// <summary>
/// A system of its own with 3 Orders and 3 Payments replicas sharing a deliberately small budget: max_connections 80,
/// 20 reserved, so pools of 10 connections per replica. A closed-loop burst of 96 clients is then far more concurrent
/// work than connections. Runs in the harness's infrastructure mode (CI: processes, then Aspire's containers).
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class ConnectionBudgetTests(ITestOutputHelper output)
{
    private const int Clients = 96;
    private const int PlannedConnections = 60; // (80 − 20) / 6 replicas = 10 per replica
    private static readonly TimeSpan BurstFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Six_replicas_under_a_closed_loop_burst_wait_for_connections_and_never_answer_5xx()
    {
        await using var app = await GozonApp.StartAsync(new GozonAppOptions
        {
            Replicas = new Dictionary<string, int> { ["orders"] = 3, ["payments"] = 3 },
            Configuration = new Dictionary<string, string>
            {
                ["Gozon:Database:MaxConnections"] = "80",
                ["Gozon:Database:ReservedConnections"] = "20",
            },
            LogPath = Path.Combine(GozonAppFixture.TestResultsDirectory, "connection-budget.log"),
        });
        using var gateway = app.CreateGatewayClient(TimeSpan.FromSeconds(30));
        var api = new GozonApi(gateway);
        var users = Enumerable.Range(0, Clients).Select(i => $"budget-{i}-{Guid.NewGuid():N}"[..24]).ToList();
        foreach (var user in users)
        {
            await api.OpenAccountWithAsync(user, 1_000_000m);
        }

        await using var server = NpgsqlDataSource.Create(await app.GetConnectionStringAsync("postgres"));
        using var sampling = new CancellationTokenSource();
        var peak = SamplePeakServiceConnectionsAsync(server, sampling.Token);

        var statuses = new ConcurrentDictionary<int, int>();
        var accepted = new ConcurrentDictionary<string, int>();
        var burst = Stopwatch.StartNew();
        await Parallel.ForEachAsync(users, new ParallelOptions { MaxDegreeOfParallelism = Clients }, async (user, _) =>
        {
            while (burst.Elapsed < BurstFor)
            {
                var status = await PostOrderAsync(api, user);
                statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
                if (status == (int)HttpStatusCode.Accepted)
                {
                    accepted.AddOrUpdate(user, 1, (_, n) => n + 1);
                }
            }
        });
        await sampling.CancelAsync();
        var peakConnections = await peak;

        output.WriteLine($"answers: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}; peak service connections {peakConnections} of {PlannedConnections} planned");
        Assert.DoesNotContain(statuses.Keys, status => status is >= 500 or 0);
        Assert.Equal(statuses.Values.Sum(), statuses.GetValueOrDefault((int)HttpStatusCode.Accepted));
        Assert.InRange(peakConnections, 1, PlannedConnections);
        foreach (var (user, count) in accepted)
        {
            await api.WaitForAllFinalAsync(user, count, TimeSpan.FromMinutes(2));
        }
    }

    /// <returns>The HTTP status, or 0 when no answer came within the client's timeout.</returns>
    private static async Task<int> PostOrderAsync(GozonApi api, string user)
    {
        try
        {
            using var response = await api.SendAsync(HttpMethod.Post, "api/orders", user,
                """{ "amount": 1.00, "description": "connection budget" }""", Guid.NewGuid().ToString());
            return (int)response.StatusCode;
        }
        catch (TaskCanceledException)
        {
            return 0;
        }
    }

    /// <summary>
    /// The most connections the services' pools held at once (they name themselves Gozon.Orders and Gozon.Payments; the
    /// AppHost's health checks are in the reserve), sampled every 20 ms until cancelled.
    /// </summary>
    private static async Task<int> SamplePeakServiceConnectionsAsync(NpgsqlDataSource server, CancellationToken cancellationToken)
    {
        var peak = 0;
        await using var command = server.CreateCommand(
            "SELECT count(*)::int FROM pg_stat_activity WHERE application_name IN ('Gozon.Orders', 'Gozon.Payments')");
        while (!cancellationToken.IsCancellationRequested)
        {
            peak = Math.Max(peak, (int)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken); // the sampling period, not a wait for the system
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        return peak;
    }
}
