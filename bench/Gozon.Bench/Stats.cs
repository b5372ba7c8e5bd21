namespace Gozon.Bench;

public sealed record Percentiles(double P50, double P90, double P99, double Max, int Count)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Percentiles(double.NaN, double.NaN, double.NaN, double.NaN, 0);
        }

        // Nearest-rank: the smallest value with at least p% of the samples at or below it.
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Percentiles(At(0.50), At(0.90), At(0.99), sorted[^1], sorted.Length);
    }
}

/// <summary>What one load phase measured.</summary>
public sealed record PhaseResult(
    string Name,
    string Kind,
    double? OfferedRate,
    int? Clients,
    double DurationSeconds,
    int Accepted,
    int Errors,
    double AcceptedPerSecond,
    double CompletedPerSecond,
    int Finished,
    int Cancelled,
    Percentiles PostToFinalMs,
    Percentiles ServerMs,
    Percentiles PostResponseMs,
    int LateSends)
{
    /// <summary>
    /// Figures from timestamps: POST→final is the order's <c>updatedAt</c> (set by Orders when the payment
    /// result is applied) minus the moment the POST was due on this host's clock; server is <c>updatedAt − createdAt</c>.
    /// Completed/s counts the phase's orders whose <c>updatedAt</c> falls inside the phase.
    /// </summary>
    public static PhaseResult From(
        string name, string kind, double? offeredRate, int? clients, DateTimeOffset start, DateTimeOffset end,
        IReadOnlyCollection<PlacedOrder> orders, int errors, int lateSends)
    {
        var seconds = (end - start).TotalSeconds;
        var final = orders.Where(o => o.FinalAt is not null).ToArray();
        return new PhaseResult(
            name, kind, offeredRate, clients, seconds,
            orders.Count, errors,
            orders.Count / seconds,
            final.Count(o => o.FinalAt >= start && o.FinalAt <= end) / seconds,
            final.Count(o => o.Status == "Finished"),
            final.Count(o => o.Status == "Cancelled"),
            Percentiles.Of(final.Select(o => (o.FinalAt!.Value - o.SentAt).TotalMilliseconds)),
            Percentiles.Of(final.Select(o => (o.FinalAt!.Value - o.CreatedAt).TotalMilliseconds)),
            Percentiles.Of(orders.Select(o => (o.AcceptedAt - o.SentAt).TotalMilliseconds)),
            lateSends);
    }
}
