using System.Globalization;
using Gozon.Testing;

namespace Gozon.Tests.Faults;

/// <summary>Resident memory of one service replica over a run, and whether it stayed flat after warm-up.</summary>
public sealed record MemoryTrend(string Replica, long AfterWarmUpBytes, long AtEndBytes)
{
    /// <summary>
    /// Peaks are compared, not single samples: the garbage collector's saw-tooth repeats its peaks when nothing
    /// leaks. A 10% margin (plus 8 MB for the runtime's own lazily grown pools) absorbs noise, not a leak that
    /// grows for the whole run.
    /// </summary>
    public bool IsFlat => AtEndBytes <= AfterWarmUpBytes * 1.10 + 8 * 1024 * 1024;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"| {Replica} | {AfterWarmUpBytes / 1048576.0:0} MB | {AtEndBytes / 1048576.0:0} MB | {(AtEndBytes - AfterWarmUpBytes) / 1048576.0:+0;-0;0} MB |");
}

/// <summary>Samples the RSS of every project process (all replicas) from /proc while a scenario runs.</summary>
public sealed class MemorySampler : IAsyncDisposable
{
    private static readonly string[] Services = ["orders", "payments", "gateway", "web"];
    private readonly GozonApp _app;
    private readonly PeriodicTimer _timer;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<(TimeSpan At, string Replica, long Bytes)> _samples = [];
    private readonly System.Diagnostics.Stopwatch _clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly Task _sampling;

    public MemorySampler(GozonApp app, TimeSpan interval)
    {
        _app = app;
        _timer = new PeriodicTimer(interval);
        _sampling = SampleAsync();
    }

    /// <summary>Per replica: peak RSS in the first half after <paramref name="warmUp"/> against the peak in the second half.</summary>
    public IReadOnlyList<MemoryTrend> Trends(TimeSpan warmUp)
    {
        lock (_samples)
        {
            var end = _clock.Elapsed;
            var middle = warmUp + (end - warmUp) / 2;
            return _samples.Where(s => s.At >= warmUp).GroupBy(s => s.Replica).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new MemoryTrend(g.Key,
                    g.Where(s => s.At < middle).Select(s => s.Bytes).DefaultIfEmpty().Max(),
                    g.Where(s => s.At >= middle).Select(s => s.Bytes).DefaultIfEmpty().Max()))
                .ToList();
        }
    }

    private async Task SampleAsync()
    {
        try
        {
            while (await _timer.WaitForNextTickAsync(_stop.Token))
            {
                foreach (var service in Services)
                {
                    foreach (var (replica, index) in _app.Replicas(service).Select((r, i) => (r, i)))
                    {
                        if (replica.ServiceProcessId is { } pid && ReplicaProcess.ResidentBytes(pid) is { } bytes)
                        {
                            lock (_samples)
                            {
                                _samples.Add((_clock.Elapsed, $"{service}-{index}", bytes));
                            }
                        }
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed: sampling ends with the scenario.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampling;
        _timer.Dispose();
        _stop.Dispose();
    }
}
