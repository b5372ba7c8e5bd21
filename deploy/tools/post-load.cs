// Closed-loop POST /api/orders load through the gateway, counting every answer that is not a success (2xx), second by second.
// Usage: dotnet run deploy/tools/post-load.cs -- [gateway=http://localhost:5080] [clients=16] [seconds=60]
// Prints one line per second with failures (and a total line at the end); run it while injecting a fault (deploy/README.md, "Replicas and failover").
// Signs in first (register, login) and sends the bearer token, refreshed before it expires, so sign-in never enters the figures.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

var gateway = new Uri(args.Length > 0 ? args[0] : "http://localhost:5080");
var clients = args.Length > 1 ? int.Parse(args[1]) : 16;
var seconds = args.Length > 2 ? int.Parse(args[2]) : 60;
var run = Guid.NewGuid().ToString("N")[..8];

using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
{
    BaseAddress = gateway,
    Timeout = TimeSpan.FromSeconds(30),
};

// One user for every client: sign-in is rate-limited per client address (20 a minute by default), and who orders does
// not change what the load measures (failed POSTs).
var user = $"load-{run}";
var password = $"Load-{run}-1";
await PostIdentityAsync("/api/identity/register", new JsonObject { ["userName"] = user, ["password"] = password }, HttpStatusCode.Created);
var session = Session.From(await PostIdentityAsync("/api/identity/login", new JsonObject { ["userName"] = user, ["password"] = password }, HttpStatusCode.OK));
Console.WriteLine($"signed in as {user}; token valid for {session.Lifetime.TotalSeconds:0} s");

var clock = Stopwatch.StartNew();
var perSecond = new ConcurrentDictionary<(int Second, string Outcome), int>();
using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));

// Refreshed a minute before it would expire (or at half its life, if shorter), off the clients' path.
async Task KeepSignedInAsync()
{
    while (!stop.IsCancellationRequested)
    {
        var wait = session.ExpiresAt - DateTimeOffset.UtcNow - TimeSpan.FromTicks(Math.Min(TimeSpan.FromMinutes(1).Ticks, session.Lifetime.Ticks / 2));
        try
        {
            await Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, stop.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            session = Session.From(await PostIdentityAsync("/api/identity/refresh", new JsonObject { ["refreshToken"] = session.RefreshToken }, HttpStatusCode.OK));
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            Console.WriteLine($"refresh failed ({exception.Message}); signing in again");
            try
            {
                session = Session.From(await PostIdentityAsync("/api/identity/login", new JsonObject { ["userName"] = user, ["password"] = password }, HttpStatusCode.OK));
            }
            catch (Exception again) when (again is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                Console.WriteLine($"sign-in failed ({again.Message}); retrying in 5 s");
                await Task.Delay(TimeSpan.FromSeconds(5));
            }
        }
    }
}

async Task ClientAsync()
{
    while (!stop.IsCancellationRequested)
    {
        string outcome;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
            {
                Content = new StringContent("""{"amount": 1, "description": "load"}""", Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", session.AccessToken);
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

var keeper = KeepSignedInAsync();
await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(ClientAsync)));
await keeper;

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

// A sign-in call; a 429 (rate limit) waits for its Retry-After and tries again, up to five times.
async Task<JsonElement> PostIdentityAsync(string path, JsonObject body, HttpStatusCode expected)
{
    for (var attempt = 1; ; attempt++)
    {
        using var response = await http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode == HttpStatusCode.TooManyRequests && attempt < 5)
        {
            var retry = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(10);
            Console.WriteLine($"{path}: 429, retrying in {retry.TotalSeconds:0} s");
            await Task.Delay(retry);
            continue;
        }

        return response.StatusCode == expected
            ? JsonDocument.Parse(text).RootElement.Clone()
            : throw new InvalidOperationException($"POST {path} answered {(int)response.StatusCode}, expected {(int)expected}: {text}");
    }
}

/// <summary>What login and refresh answer: a bearer token, how long it lives, and the refresh token that replaces it.</summary>
internal sealed record Session(string AccessToken, string RefreshToken, DateTimeOffset ExpiresAt, TimeSpan Lifetime)
{
    public static Session From(JsonElement answer)
    {
        var lifetime = TimeSpan.FromSeconds(answer.GetProperty("expiresIn").GetInt32());
        return new Session(answer.GetProperty("accessToken").GetString()!, answer.GetProperty("refreshToken").GetString()!,
            DateTimeOffset.UtcNow + lifetime, lifetime);
    }
}
