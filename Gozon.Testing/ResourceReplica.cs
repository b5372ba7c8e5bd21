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

    /// <summary>The service's own process (see <see cref="ReplicaProcess"/>).</summary>
    public int? ServiceProcessId => LauncherProcessId is { } launcher ? ReplicaProcess.ServiceProcessId(launcher) : null;
}
