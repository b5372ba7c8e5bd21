using System.Diagnostics;
using System.Globalization;
using Gozon.Bench;

// Gozon's load generator: see bench/README.md. Exit code 0 = ran and every invariant held; 1 = an
// invariant broke; 2 = the bench itself could not run.
using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};
var ct = cancellation.Token;
var progress = new ProgressLine();
BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or FormatException)
{
    Console.Error.WriteLine(exception.Message);
    return 2;
}

var output = Path.GetFullPath(options.Output ?? Path.Combine(Machine.RepositoryRoot(), "bench", "results", DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)));
Directory.CreateDirectory(output);
var loadBefore = Machine.LoadAverage();
progress.Line($"gozon bench: results in {output}; load average {loadBefore}");

try
{
    await using var system = await SystemUnderTest.StartOrConnectAsync(options, Path.Combine(output, "gozon-system.log"), progress, ct);
    using var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
    {
        BaseAddress = system.Gateway,
        Timeout = TimeSpan.FromSeconds(30),
    };
    var tokens = new UserTokens(http);
    var client = new GozonClient(http, tokens);

    PgBench? pgbench = null;
    if (options.SkipPgbench)
    {
        progress.Line("pgbench: skipped (--SkipPgbench true)");
    }
    else if (system.PostgresConnectionString is null)
    {
        progress.Line("pgbench: skipped; give --Postgres \"Host=...;Username=...;Password=...\" with --Url");
    }
    else
    {
        pgbench = new PgBench(system.PostgresConnectionString, options, progress);
        await pgbench.InitializeAsync(ct);
    }

    var workload = new Workload(client, tokens, options, progress);
    await workload.CreateUsersAsync(ct);
    var tracker = new OrderTracker(client, workload.Users);
    var phases = new List<PhaseResult>();

    // Tokens that would expire during the next phase (and its drain) are refreshed now, not in the middle of it.
    async Task FreshTokensFor(double seconds)
    {
        if (await tokens.RefreshExpiringAsync(TimeSpan.FromSeconds(seconds + options.DrainTimeout), ct) is var refreshed and > 0)
        {
            progress.Line($"sign-in: {refreshed} token(s) refreshed before the next phase");
        }
    }

    if (options.Warmup > 0)
    {
        await FreshTokensFor(options.Warmup);
        var warmup = await workload.RunClosedLoopAsync(tracker, options.Clients, TimeSpan.FromSeconds(options.Warmup), ct, "warm-up");
        progress.Line(Summary(warmup) + " (not counted)");
    }

    await FreshTokensFor(options.IdleOrders);
    phases.Add(await workload.RunIdleAsync(tracker, ct));
    progress.Line(Summary(phases[^1]));

    using var watching = CancellationTokenSource.CreateLinkedTokenSource(ct);
    var watcher = tracker.WatchAsync(TimeSpan.FromMilliseconds(options.WatchIntervalMs), watching.Token);

    await FreshTokensFor(2 * options.Duration);
    // pgbench right before the closed loop, for as long, so both see the machine in the same state.
    var pg = pgbench is null ? null : await pgbench.RunAsync(options.Duration, ct);
    if (pg is not null)
    {
        progress.Line(string.Create(CultureInfo.InvariantCulture, $"pgbench: {pg.Tps:0} tps"));
    }

    var closed = await workload.RunClosedLoopAsync(tracker, options.Clients, TimeSpan.FromSeconds(options.Duration), ct);
    phases.Add(closed);
    progress.Line(Summary(closed));

    var rates = options.OpenRates is { Length: > 0 } fixedRates
        ? options.ParseList(fixedRates)
        : options.ParseList(options.OpenFractions).Select(f => Math.Max(1, Math.Round(closed.CompletedPerSecond * f))).ToArray();
    foreach (var rate in rates)
    {
        await FreshTokensFor(options.OpenDuration);
        var open = await workload.RunOpenLoopAsync(tracker, rate, ct);
        phases.Add(open);
        progress.Line(Summary(open));
    }

    await watching.CancelAsync();
    await watcher;

    var violations = await new Invariants(client, workload, tracker).CheckAsync(progress.Update, ct);
    progress.Done();
    progress.Line($"sign-in: {tokens.Refreshes} token refresh(es), {tokens.LoginsAgain} login(s) again during the run");
    var memory = system.ReadMemory();
    var ratio = pg is null ? (double?)null : closed.CompletedPerSecond / pg.Tps;
    var report = new BenchReport(
        DateTimeOffset.UtcNow, Machine.Describe(), Machine.Commit(), loadBefore, Machine.LoadAverage(), options, pg, phases,
        ratio, memory, Targets(options, pg, phases, memory), violations);

    var table = Report.Table(report);
    Console.WriteLine();
    Console.WriteLine(table);
    await File.WriteAllTextAsync(Path.Combine(output, "results.txt"), table, ct);
    await File.WriteAllTextAsync(Path.Combine(output, "results.json"), Report.ToJson(report), ct);
    await File.WriteAllTextAsync(Path.Combine(output, "latency.svg"), Report.Chart(report, OpenLoopP99TargetMs), ct);
    await File.WriteAllTextAsync(Path.Combine(output, "orders.csv"), Report.OrdersCsv(tracker.All), ct);
    Console.WriteLine($"written: {Path.Combine(output, "results.txt")}, results.json, latency.svg, orders.csv");
    return violations.Count == 0 ? 0 : 1;
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    progress.Line("cancelled");
    return 2;
}
catch (Exception exception)
{
    progress.Line($"bench failed: {exception}");
    return 2;
}

static string Summary(PhaseResult p) => string.Create(CultureInfo.InvariantCulture,
    $"{p.Name}: accepted {p.Accepted} ({p.AcceptedPerSecond:0.0}/s), completed {p.CompletedPerSecond:0.0}/s, errors {p.Errors}, POST→final p50 {p.PostToFinalMs.P50:0.0} p99 {p.PostToFinalMs.P99:0.0} max {p.PostToFinalMs.Max:0.0} ms");

static IReadOnlyList<TargetCheck> Targets(BenchOptions options, PgBenchResult? pg, List<PhaseResult> phases, IReadOnlyList<ServiceMemory> memory)
{
    var c = CultureInfo.InvariantCulture;
    var targets = new List<TargetCheck>();
    var closed = phases.First(p => p.Kind == "closed");
    if (pg is not null)
    {
        targets.Add(new(string.Create(c, $"closed loop {closed.Clients} clients: completed/s ≥ 0.12 × pgbench tps ({0.12 * pg.Tps:0})"),
            string.Create(c, $"{closed.CompletedPerSecond:0.0}/s = {closed.CompletedPerSecond / pg.Tps:0.000} × tps"), closed.CompletedPerSecond >= 0.12 * pg.Tps));
    }

    // "Half of that rate": the open-loop phase nearest half of the closed loop's completed rate.
    var half = phases.Where(p => p.Kind == "open").OrderBy(p => Math.Abs(p.OfferedRate!.Value - closed.CompletedPerSecond / 2)).FirstOrDefault();
    if (half is not null)
    {
        targets.Add(new(string.Create(c, $"open loop at {half.OfferedRate:0}/s: p99 POST→final < {OpenLoopP99TargetMs} ms"),
            string.Create(c, $"{half.PostToFinalMs.P99:0.0} ms"), half.PostToFinalMs.P99 < OpenLoopP99TargetMs));
    }

    var idle = phases.First(p => p.Kind == "idle");
    targets.Add(new("idle, one order at a time: p50 POST→final < 20 ms", string.Create(c, $"{idle.PostToFinalMs.P50:0.0} ms"), idle.PostToFinalMs.P50 < 20));
    foreach (var m in memory)
    {
        targets.Add(new($"{m.Replica}: RSS < 250 MB at the end", string.Create(c, $"{m.RssMb:0} MB"), m.RssMb < 250));
    }

    return targets;
}

public partial class Program
{
    private const double OpenLoopP99TargetMs = 150;
}

internal static class Machine
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Gozon.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "?";

    public static string Describe()
    {
        var cpu = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return $"{Environment.ProcessorCount} cores ({cpu ?? "unknown CPU"}), {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1 << 30)} GB, {Environment.OSVersion}, .NET {Environment.Version}";
    }

    public static string Commit()
    {
        var head = Git("rev-parse --short HEAD");
        return string.IsNullOrEmpty(Git("status --porcelain --untracked-files=no")) ? head : head + "-dirty";
    }

    private static string Git(string arguments)
    {
        try
        {
            var start = new ProcessStartInfo("git", arguments) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = RepositoryRoot() };
            using var git = Process.Start(start)!;
            var text = git.StandardOutput.ReadToEnd().Trim();
            git.WaitForExit();
            return text;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown";
        }
    }
}
