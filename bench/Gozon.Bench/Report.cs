using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gozon.Bench;

public sealed record TargetCheck(string Target, string Measured, bool Met);

public sealed record BenchReport(
    DateTimeOffset Date,
    string Machine,
    string Commit,
    string LoadBefore,
    string LoadAfter,
    BenchOptions Options,
    PgBenchResult? PgBench,
    IReadOnlyList<PhaseResult> Phases,
    double? CompletedPerPgbenchTps,
    IReadOnlyList<ServiceMemory> Memory,
    IReadOnlyList<TargetCheck> Targets,
    IReadOnlyList<string> Violations);

/// <summary>The three outputs: a table on the console (and in results.txt), results.json and latency.svg.</summary>
public static class Report
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static string Table(BenchReport report)
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"Gozon bench  {report.Date:yyyy-MM-dd HH:mm} UTC  commit {report.Commit}");
        text.AppendLine(c, $"machine: {report.Machine}");
        text.AppendLine(c, $"load average before: {report.LoadBefore}  after: {report.LoadAfter}");
        if (report.PgBench is { } pg)
        {
            text.AppendLine(c, $"{pg.Command}: {pg.Tps:0} tps (latency {pg.LatencyMs:0.0} ms)");
        }

        text.AppendLine();
        text.AppendLine("phase          offered/s  accepted/s  completed/s  finished cancelled errors  POST→final ms p50 / p90 / p99 / max   server p50/p99   202 p50/p99");
        foreach (var p in report.Phases)
        {
            text.AppendLine(c,
                $"{p.Name,-14} {(p.OfferedRate is { } r ? r.ToString("0", c) : "-"),9} {p.AcceptedPerSecond,11:0.0} {p.CompletedPerSecond,12:0.0} {p.Finished,8} {p.Cancelled,9} {p.Errors,6}  {Ms(p.PostToFinalMs.P50),8} / {Ms(p.PostToFinalMs.P90)} / {Ms(p.PostToFinalMs.P99)} / {Ms(p.PostToFinalMs.Max)}   {Ms(p.ServerMs.P50)} / {Ms(p.ServerMs.P99)}   {Ms(p.PostResponseMs.P50)} / {Ms(p.PostResponseMs.P99)}");
        }

        if (report.CompletedPerPgbenchTps is { } ratio)
        {
            text.AppendLine();
            text.AppendLine(c, $"closed-loop completed orders/s ÷ pgbench -N tps = {ratio:0.000} (design ceiling 0.25)");
        }

        if (report.Memory.Count > 0)
        {
            text.AppendLine();
            text.AppendLine("RSS at the end: " + string.Join(", ",
                report.Memory.Select(m => string.Create(c, $"{m.Replica} {m.RssMb:0} MB (peak {m.PeakRssMb:0})"))));
        }

        text.AppendLine();
        foreach (var target in report.Targets)
        {
            text.AppendLine(c, $"[{(target.Met ? "met" : "MISSED")}] {target.Target}: {target.Measured}");
        }

        text.AppendLine();
        text.AppendLine(report.Violations.Count == 0
            ? "invariants: all hold (every order final, none lost, balances exact)"
            : $"INVARIANTS BROKEN ({report.Violations.Count}):{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", report.Violations.Take(50)));
        return text.ToString();
    }

    private static string Ms(double value) => double.IsNaN(value) ? "-" : value.ToString(value < 100 ? "0.0" : "0", CultureInfo.InvariantCulture);

    public static string ToJson(BenchReport report) => JsonSerializer.Serialize(report, Json);

    /// <summary>
    /// Every order with its times, one line each, for looking into a tail: whether the slow orders cluster in
    /// time (a stall) or spread evenly (queueing). Milliseconds are counted from the first order sent.
    /// </summary>
    public static string OrdersCsv(IEnumerable<PlacedOrder> orders)
    {
        var all = orders.OrderBy(o => o.SentAt).ToArray();
        var origin = all.Length > 0 ? all[0].SentAt : DateTimeOffset.UnixEpoch;
        var csv = new StringBuilder("phase,order_id,status,sent_ms,accepted_ms,created_ms,final_ms,post_to_final_ms\n");
        foreach (var o in all)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{o.Phase},{o.Id},{o.Status},{SinceOrigin(o.SentAt)},{SinceOrigin(o.AcceptedAt)},{SinceOrigin(o.CreatedAt)},{SinceOrigin(o.FinalAt)},{(o.FinalAt - o.SentAt)?.TotalMilliseconds:0.0}\n");
        }

        return csv.ToString();

        // Not the table's Ms: every figure with one decimal, and an empty field (not "-") for a missing time.
        string SinceOrigin(DateTimeOffset? at) => at is { } t ? (t - origin).TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture) : "";
    }

    /// <summary>Latency percentiles (log scale) against the offered rate of the open-loop phases.</summary>
    public static string Chart(BenchReport report, double targetMs)
    {
        var c = CultureInfo.InvariantCulture;
        var points = report.Phases.Where(p => p.Kind == "open" && p.PostToFinalMs.Count > 0).OrderBy(p => p.OfferedRate).ToArray();
        const int width = 720, height = 420, left = 70, right = 150, top = 40, bottom = 60;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var maxRate = points.Length == 0 ? 1 : points.Max(p => p.OfferedRate!.Value) * 1.1;
        var maxMs = Math.Max(targetMs * 2, points.Length == 0 ? 1 : points.Max(p => p.PostToFinalMs.Max));
        var (logMin, logMax) = (Math.Log10(1), Math.Log10(Math.Pow(10, Math.Ceiling(Math.Log10(maxMs)))));
        double X(double rate) => left + rate / maxRate * plotWidth;
        double Y(double ms) => top + plotHeight - (Math.Log10(Math.Max(ms, 1)) - logMin) / (logMax - logMin) * plotHeight;

        var svg = new StringBuilder();
        svg.AppendLine(c, $"""<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" font-family="sans-serif" font-size="12">""");
        svg.AppendLine(c, $"""<rect width="{width}" height="{height}" fill="white"/>""");
        svg.AppendLine(c, $"""<text x="{left}" y="22" font-size="14">Gozon: POST → final status against offered rate ({report.Date:yyyy-MM-dd}, {report.Commit})</text>""");
        for (var decade = 0; decade <= (int)logMax; decade++)
        {
            var ms = Math.Pow(10, decade);
            svg.AppendLine(c, $"""<line x1="{left}" x2="{left + plotWidth}" y1="{Y(ms):0.#}" y2="{Y(ms):0.#}" stroke="#ddd"/><text x="{left - 8}" y="{Y(ms) + 4:0.#}" text-anchor="end">{ms:0} ms</text>""");
        }

        for (var i = 0; i <= 5; i++)
        {
            var rate = maxRate * i / 5;
            svg.AppendLine(c, $"""<line x1="{X(rate):0.#}" x2="{X(rate):0.#}" y1="{top}" y2="{top + plotHeight}" stroke="#eee"/><text x="{X(rate):0.#}" y="{top + plotHeight + 18}" text-anchor="middle">{rate:0}</text>""");
        }

        svg.AppendLine(c, $"""<text x="{left + plotWidth / 2}" y="{height - 15}" text-anchor="middle">offered orders/s (open loop)</text>""");
        svg.AppendLine(c, $"""<line x1="{left}" x2="{left + plotWidth}" y1="{Y(targetMs):0.#}" y2="{Y(targetMs):0.#}" stroke="#c00" stroke-dasharray="6 4"/><text x="{left + plotWidth + 6}" y="{Y(targetMs) + 4:0.#}" fill="#c00">p99 target {targetMs:0} ms</text>""");
        var series = new (string Name, string Colour, Func<Percentiles, double> Value)[]
        {
            ("p50", "#1f77b4", p => p.P50), ("p90", "#2ca02c", p => p.P90), ("p99", "#ff7f0e", p => p.P99), ("max", "#888", p => p.Max),
        };
        for (var s = 0; s < series.Length; s++)
        {
            var (name, colour, value) = series[s];
            var line = string.Join(' ', points.Select(p => string.Create(c, $"{X(p.OfferedRate!.Value):0.#},{Y(value(p.PostToFinalMs)):0.#}")));
            svg.AppendLine(c, $"""<polyline fill="none" stroke="{colour}" stroke-width="2" points="{line}"/>""");
            foreach (var p in points)
            {
                svg.AppendLine(c, $"""<circle cx="{X(p.OfferedRate!.Value):0.#}" cy="{Y(value(p.PostToFinalMs)):0.#}" r="3" fill="{colour}"/>""");
            }

            svg.AppendLine(c, $"""<line x1="{left + plotWidth + 10}" x2="{left + plotWidth + 30}" y1="{top + 20 + s * 18}" y2="{top + 20 + s * 18}" stroke="{colour}" stroke-width="2"/><text x="{left + plotWidth + 36}" y="{top + 24 + s * 18}">{name}</text>""");
        }

        svg.AppendLine("</svg>");
        return svg.ToString();
    }
}
