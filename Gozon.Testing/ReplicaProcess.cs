using System.Globalization;

namespace Gozon.Testing;

/// <summary>
/// The operating-system process of a service replica. DCP starts a project as <c>dotnet run --no-build</c>, which runs
/// the service as its child: faults and memory figures are about that child, not about the launcher.
/// </summary>
public static class ReplicaProcess
{
    /// <summary>The deepest descendant of <paramref name="launcherPid"/> (the service itself), or the launcher when it has no child.</summary>
    public static int ServiceProcessId(int launcherPid)
    {
        var pid = launcherPid;
        while (ChildrenOf(pid).FirstOrDefault() is var child and > 0)
        {
            pid = child;
        }

        return pid;
    }

    /// <summary>Resident set size in bytes, or <c>null</c> when the process is gone.</summary>
    public static long? ResidentBytes(int pid) => StatusValue(pid, "VmRSS:") * 1024;

    /// <summary>Peak resident set size in bytes, or <c>null</c> when the process is gone.</summary>
    public static long? PeakResidentBytes(int pid) => StatusValue(pid, "VmHWM:") * 1024;

    private static long? StatusValue(int pid, string key)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal));
            return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // the process ended between the lookup and the read
        }
    }

    private static IEnumerable<int> ChildrenOf(int pid)
    {
        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid}/task/{pid}/children");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }

        return text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture));
    }
}
