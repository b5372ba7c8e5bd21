using System.Globalization;
using Aspire.Hosting.ApplicationModel;

namespace Gozon.Testing;

/// <summary>One replica (DCP instance) of a resource and its latest snapshot.</summary>
public sealed record ResourceReplica(string Id, CustomResourceSnapshot? Snapshot)
{
    public bool IsHealthy => Snapshot is { HealthStatus: Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy }
        && Snapshot.State?.Text == KnownResourceStates.Running;

    public bool IsStopped => Snapshot?.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state);

    /// <summary>The process DCP started (for a project, the <c>dotnet run</c> launcher).</summary>
    public int? LauncherProcessId =>
        Snapshot?.Properties.FirstOrDefault(p => p.Name == "executable.pid")?.Value is { } value
        && int.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            ? pid
            : null;

    /// <summary>
    /// The replica's own HTTP address, where <see cref="GozonApp.GetEndpoint"/> is the proxy that spreads connections
    /// over every replica: for tests that need two clients on the same replica. DCP gives each replica its own port
    /// and reports the address it set in the replica's environment.
    /// </summary>
    public Uri HttpEndpoint =>
        Snapshot?.EnvironmentVariables.FirstOrDefault(v => v.Name == "ASPNETCORE_URLS")?.Value?
            .Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => u.StartsWith("http://", StringComparison.Ordinal)) is { } url
            ? new Uri(url)
            : throw new InvalidOperationException(
                $"{Id} reports no HTTP address; its environment: {string.Join(", ", Snapshot?.EnvironmentVariables.Select(v => $"{v.Name}={v.Value}") ?? [])}");

    /// <summary>The service's own process (see <see cref="ReplicaProcess"/>).</summary>
    public int? ServiceProcessId => LauncherProcessId is { } launcher ? ReplicaProcess.ServiceProcessId(launcher) : null;
}
