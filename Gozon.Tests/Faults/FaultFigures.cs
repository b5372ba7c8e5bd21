using System.Globalization;
using Gozon.Tests.Infrastructure;

namespace Gozon.Tests.Faults;

/// <summary>One row of the reliability table: printed to the test output and appended to TestResults/fault-figures.md.</summary>
public static class FaultFigures
{
    public static string FilePath { get; } = Path.Combine(GozonAppFixture.TestResultsDirectory, "fault-figures.md");

    public static string Record(string scenario, FaultOutcome outcome, int faultsInjected, int restarts, OrderBurst burst)
    {
        var statuses = string.Join(" ", burst.Statuses.OrderBy(s => s.Key).Select(s => s.Key == 0 ? $"no-answer×{s.Value}" : $"{s.Key}×{s.Value}"));
        var row = string.Create(CultureInfo.InvariantCulture,
            $"| {scenario} | {outcome.OrdersPlaced} | {faultsInjected} | {restarts} | {outcome.OrdersLost} | {outcome.DoubleDebits} | {outcome.TimeToQuiesce.TotalSeconds:0.0} s | {statuses} |");
        // Fault scenarios run one at a time (their collection disables parallelism), so appending is safe.
        if (!File.Exists(FilePath))
        {
            File.WriteAllText(FilePath,
                "| scenario | orders placed | faults injected | restarts | orders lost | double debits | time to quiesce | HTTP answers while placing |\n" +
                "|---|---|---|---|---|---|---|---|\n");
        }

        File.AppendAllText(FilePath, row + "\n");

        return row;
    }

    public static string MemoryFilePath { get; } = Path.Combine(GozonAppFixture.TestResultsDirectory, "soak-memory.md");

    /// <summary>The soak's memory table: printed and written to TestResults/soak-memory.md.</summary>
    public static string RecordMemory(IReadOnlyList<MemoryTrend> trends)
    {
        var table = "| replica | RSS peak after warm-up | RSS peak at the end | growth |\n|---|---|---|---|\n" +
            string.Join("\n", trends) + "\n";
        File.WriteAllText(MemoryFilePath, table);
        return table;
    }
}
