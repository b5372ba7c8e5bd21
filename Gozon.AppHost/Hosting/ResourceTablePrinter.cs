using System.Text;

namespace Gozon.AppHost.Hosting;

/// <summary>Prints the resource table whenever every resource has (again) become healthy.</summary>
internal sealed class ResourceTablePrinter(ResourceNotificationService notifications, IResourceOutputSink sink) : IDisposable
{
    private readonly Lock _lock = new();
    private bool _allHealthy;
    private bool _attached;

    public void Attach()
    {
        lock (_lock)
        {
            if (!_attached)
            {
                _attached = true;
                notifications.SnapshotChanged += OnChanged;
            }
        }
    }

    public void Dispose() => notifications.SnapshotChanged -= OnChanged;

    public static string Format(IReadOnlyList<ResourceSnapshot> snapshots)
    {
        string[] headers = ["NAME", "KIND", "STATE", "HEALTH", "PID", "URL"];
        var rows = snapshots.Select(s => new[]
        {
            s.ReplicaName, s.Kind, s.State.ToString(), s.Health.ToString(), s.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", s.Url ?? "",
        }).ToList();
        var widths = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells) => text.AppendLine(string.Join("  ", cells.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        rows.ForEach(Line);
        return text.ToString();
    }

    private void OnChanged(ResourceSnapshot current, ResourceSnapshot? previous)
    {
        var snapshots = notifications.GetSnapshots();
        var allHealthy = snapshots.Count > 0 && snapshots.All(s => s.IsHealthy);
        lock (_lock)
        {
            if (allHealthy == _allHealthy)
            {
                return;
            }

            _allHealthy = allHealthy;
        }

        if (allHealthy)
        {
            sink.WriteBlock(Environment.NewLine + "Gozon is up:" + Environment.NewLine + Format(snapshots));
        }
    }
}
