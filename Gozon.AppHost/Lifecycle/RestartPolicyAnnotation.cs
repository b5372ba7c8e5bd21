namespace Gozon.AppHost.Lifecycle;

/// <summary>Restart a replica of this resource that exits on its own with a non-zero code (see <see cref="RestartPolicyExtensions"/>).</summary>
public sealed record RestartPolicyAnnotation(TimeSpan InitialDelay, TimeSpan MaxDelay, TimeSpan StableAfter) : IResourceAnnotation
{
    /// <summary>The wait before restart <paramref name="attempt"/> (0-based): doubling from the initial delay up to the maximum.</summary>
    public TimeSpan DelayFor(int attempt) =>
        TimeSpan.FromTicks(Math.Min(MaxDelay.Ticks, InitialDelay.Ticks * (1L << Math.Clamp(attempt, 0, 30))));
}
