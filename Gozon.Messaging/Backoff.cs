namespace Gozon.Messaging;

/// <summary>Exponential back-off with jitter, so replicas that failed together do not retry in lock-step.</summary>
public static class Backoff
{
    private static readonly TimeSpan DefaultFirstDelay = TimeSpan.FromMilliseconds(100);

    public static TimeSpan Delay(int attempt, TimeSpan max) => Delay(attempt, DefaultFirstDelay, max);

    /// <summary><paramref name="first"/> for attempt 0, doubling per attempt up to <paramref name="max"/>, ±10%.</summary>
    public static TimeSpan Delay(int attempt, TimeSpan first, TimeSpan max)
    {
        var baseMs = Math.Min(max.TotalMilliseconds, first.TotalMilliseconds * Math.Pow(2, Math.Clamp(attempt, 0, 16)));
        var jitter = Random.Shared.NextDouble() * 0.2 + 0.9;
        return TimeSpan.FromMilliseconds(baseMs * jitter);
    }
}
