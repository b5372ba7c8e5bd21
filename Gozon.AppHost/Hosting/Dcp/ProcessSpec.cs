namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>How to launch one OS process.</summary>
internal sealed record ProcessSpec(string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory)
{
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>Unix user to run as (via <c>setpriv</c>) when the AppHost runs as root.</summary>
    public string? RunAsUser { get; init; }

    /// <summary>Signal asking the process to shut down (postgres: SIGINT = fast shutdown).</summary>
    public int StopSignal { get; init; } = NativeMethods.SIGTERM;

    /// <summary>Optional extra step when the stop signal was not enough (e.g. <c>rabbitmqctl stop</c>).</summary>
    public Func<CancellationToken, Task>? StopFallback { get; init; }
}
