// Closed-loop POST /api/orders load through the gateway, counting every answer that is not a success (2xx), second by second.
// Usage: dotnet run deploy/tools/post-load.cs -- [gateway=http://localhost:5080] [clients=16] [seconds=60]
// Prints one line per second with failures (and a total line at the end); deploy/failover.sh runs it during faults.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

var gateway = new Uri(args.Length > 0 ? args[0] : "http://localhost:5080");
var clients = args.Length > 1 ? int.Parse(args[1]) : 16;
var seconds = args.Length > 2 ? int.Parse(args[2]) : 60;
var run = Guid.NewGuid().ToString("N")[..8];

using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
{
    BaseAddress = gateway,
    Timeout = TimeSpan.FromSeconds(30),
};
var clock = Stopwatch.StartNew();
var perSecond = new ConcurrentDictionary<(int Second, string Outcome), int>();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));

async Task ClientAsync(int client)
{
    var user = $"load-{run}-{client}";
    while (!stop.IsCancellationRequested)
    {
        string outcome;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = new StringContent("""{"amount": 1, "description": "load"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-User-Id", user);
            using var response = await http.SendAsync(request, CancellationToken.None);
            outcome = response.IsSuccessStatusCode ? "ok" : ((int)response.StatusCode).ToString();
        }
        catch (Exception exception)
        {
            outcome = exception.GetType().Name;
            await Task.Delay(100); // a refused connection fails at once: do not spin
        }

        perSecond.AddOrUpdate(((int)clock.Elapsed.TotalSeconds, outcome), 1, (_, n) => n + 1);
    }
}

await Task.WhenAll(Enumerable.Range(0, clients).Select(c => Task.Run(() => ClientAsync(c))));

var total = new Dictionary<string, int>();
foreach (var second in perSecond.Keys.Select(k => k.Second).Distinct().Order())
{
    var line = perSecond.Where(p => p.Key.Second == second).OrderBy(p => p.Key.Outcome).ToList();
    foreach (var (key, n) in line)
    {
        total[key.Outcome] = total.GetValueOrDefault(key.Outcome) + n;
    }

    var failures = line.Where(p => p.Key.Outcome != "ok").ToList();
    Console.WriteLine($"t={second,3}s ok={line.Where(p => p.Key.Outcome == "ok").Sum(p => p.Value),4}" +
        (failures.Count == 0 ? "" : "  FAILED " + string.Join(" ", failures.Select(p => $"{p.Key.Outcome}={p.Value}"))));
}

var failed = total.Where(t => t.Key != "ok").Sum(t => t.Value);
Console.WriteLine($"TOTAL ok={total.GetValueOrDefault("ok")} failed={failed} " +
    string.Join(" ", total.Where(t => t.Key != "ok").Select(t => $"{t.Key}={t.Value}")));
