namespace Gozon.Messaging;

/// <summary>Exponential back-off with jitter, so replicas that failed together do not retry in lock-step.</summary>
public static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan max)
    {
        var baseMs = Math.Min(max.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(attempt, 16)));
        var jitter = Random.Shared.NextDouble() * 0.2 + 0.9;
        return TimeSpan.FromMilliseconds(baseMs * jitter);
    }
}
