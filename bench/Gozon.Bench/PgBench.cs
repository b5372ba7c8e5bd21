using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Gozon.Bench;

public sealed record PgBenchResult(double Tps, int Clients, int Scale, int Seconds, double LatencyMs, string Command);

/// <summary>
/// The machine's yardstick in the same run: <c>pgbench -N</c> (the simple-update script without the
/// branch/teller hot spots) against the same PostgreSQL server, in a scratch database of its own.
/// </summary>
public sealed partial class PgBench(string serverConnectionString, BenchOptions options, ProgressLine progress)
{
    public const string Database = "gozon_pgbench";

    public static string? FindBinary()
    {
        var candidates = new List<string>();
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => double.TryParse(Path.GetFileName(d), CultureInfo.InvariantCulture, out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin", "pgbench")));
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(d => Path.Combine(d, "pgbench")));
        return candidates.FirstOrDefault(File.Exists);
    }

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using (var connection = new NpgsqlConnection(serverConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection);
            exists.Parameters.AddWithValue("name", Database);
            if (await exists.ExecuteScalarAsync(cancellationToken) is null)
            {
                await using var create = new NpgsqlCommand($"CREATE DATABASE {Database}", connection);
                await create.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        progress.Line($"pgbench: initialising {Database} (scale {options.PgbenchScale})");
        await RunAsync(["-i", "-q", "-s", options.PgbenchScale.ToString(CultureInfo.InvariantCulture), Database], cancellationToken);
    }

    public async Task<PgBenchResult> RunAsync(int seconds, CancellationToken cancellationToken)
    {
        string[] arguments =
        [
            "-N", "-c", options.PgbenchClients.ToString(CultureInfo.InvariantCulture),
            "-j", Math.Min(options.PgbenchClients, Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
            "-T", seconds.ToString(CultureInfo.InvariantCulture), "-P", "5", Database,
        ];
        progress.Line($"pgbench {string.Join(' ', arguments)}");
        var output = await RunAsync(arguments, cancellationToken);
        var tps = TpsLine().Match(output);
        var latency = LatencyLine().Match(output);
        if (!tps.Success)
        {
            throw new InvalidOperationException($"pgbench printed no tps line:{Environment.NewLine}{output}");
        }

        return new PgBenchResult(
            double.Parse(tps.Groups[1].Value, CultureInfo.InvariantCulture),
            options.PgbenchClients, options.PgbenchScale, seconds,
            latency.Success ? double.Parse(latency.Groups[1].Value, CultureInfo.InvariantCulture) : double.NaN,
            "pgbench " + string.Join(' ', arguments));
    }

    private async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var binary = FindBinary() ?? throw new InvalidOperationException("pgbench not found (apt-get install postgresql-contrib or postgresql)");
        var connection = new NpgsqlConnectionStringBuilder(serverConnectionString);
        var start = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["PGHOST"] = connection.Host,
                ["PGPORT"] = connection.Port.ToString(CultureInfo.InvariantCulture),
                ["PGUSER"] = connection.Username,
                ["PGPASSWORD"] = connection.Password,
            },
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        // pgbench reports progress (-P) and its summary on stdout and stderr; keep both.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var output = await stdout + await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"pgbench exited with {process.ExitCode}:{Environment.NewLine}{output}");
        }

        return output;
    }

    [GeneratedRegex(@"tps = ([0-9.]+) \(without initial connection time\)")]
    private static partial Regex TpsLine();

    [GeneratedRegex(@"latency average = ([0-9.]+) ms")]
    private static partial Regex LatencyLine();
}
