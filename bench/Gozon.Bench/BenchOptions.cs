using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gozon.Bench;

/// <summary>
/// Everything the bench can be told, from <c>--Key value</c> arguments or <c>GOZON_BENCH_*</c> variables.
/// The defaults are the standard profile documented in the README.
/// </summary>
public sealed class BenchOptions
{
    /// <summary>Gateway of a running Gozon; empty = start the AppHost with Aspire.Hosting.Testing.</summary>
    public string? Url { get; set; }

    /// <summary>Server connection string for pgbench when <see cref="Url"/> is set (the started system's otherwise).</summary>
    public string? Postgres { get; set; }

    public int Users { get; set; } = 1000;

    /// <summary>Share of users topped up with only a little, so some of their orders are cancelled for lack of funds.</summary>
    public double PoorUsers { get; set; } = 0.1;

    public int Clients { get; set; } = 64;

    /// <summary>Seconds of unmeasured closed-loop load first, so JIT and pools are warm when measuring starts.</summary>
    public int Warmup { get; set; } = 10;

    /// <summary>Seconds of each load phase (closed loop and pgbench alike).</summary>
    public int Duration { get; set; } = 30;

    /// <summary>Open-loop rates as fractions of the closed loop's completed orders/s ...</summary>
    public string OpenFractions { get; set; } = "0.25,0.5,0.75";

    /// <summary>... or absolute orders/s (comma separated), which win when given.</summary>
    public string? OpenRates { get; set; }

    public int OpenDuration { get; set; } = 20;

    /// <summary>Orders placed one at a time on the idle system.</summary>
    public int IdleOrders { get; set; } = 40;

    public int PgbenchClients { get; set; } = 16;

    public int PgbenchScale { get; set; } = 10;

    public bool SkipPgbench { get; set; }

    /// <summary>Pause of the status watcher between two <c>GET /api/orders</c> calls, in milliseconds.</summary>
    public int WatchIntervalMs { get; set; } = 50;

    /// <summary>How long to wait, after a phase, for every accepted order to reach a final status.</summary>
    public int DrainTimeout { get; set; } = 120;

    /// <summary>Where the table, JSON, chart and the system's log go; default <c>bench/results/&lt;timestamp&gt;</c>.</summary>
    public string? Output { get; set; }

    /// <summary>Replicas for the started system, e.g. <c>payments=2,orders=1</c>.</summary>
    public string? Replicas { get; set; }

    /// <summary>Where the started system's PostgreSQL and RabbitMQ run: <c>Process</c> or <c>Container</c> (the AppHost's modes).</summary>
    public string Infrastructure { get; set; } = "Process";

    /// <summary>
    /// Extra environment for every service of the started system, <c>VAR=value</c> pairs separated by <c>;</c>
    /// (e.g. <c>DOTNET_GCgen0size=0x1000000</c>), for measuring a runtime or OpenTelemetry setting without a rebuild.
    /// </summary>
    public string? ServiceEnvironment { get; set; }

    public int Seed { get; set; } = 6;

    public IReadOnlyList<double> ParseList(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => double.Parse(s, CultureInfo.InvariantCulture))
            .ToArray();

    public static BenchOptions Parse(string[] args)
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables("GOZON_BENCH_")
            .AddCommandLine(args)
            .Build();
        var options = new BenchOptions();
        configuration.Bind(options);
        if (options.Users < 1 || options.Clients < 1 || options.Duration < 1 || options.OpenDuration < 1)
        {
            throw new ArgumentException("Users, Clients, Duration and OpenDuration must be positive.");
        }

        return options;
    }
}
