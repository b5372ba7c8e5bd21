using System.Collections.Concurrent;

namespace Gozon.AppHost.Hosting;

/// <summary>Keeps the recent output of every replica and forwards each line to the output sink.</summary>
public sealed class ResourceLoggerService(IResourceOutputSink sink)
{
    private const int Capacity = 500;
    private readonly ConcurrentDictionary<string, Queue<string>> _lines = new(StringComparer.Ordinal);

    public void WriteLine(string replicaName, string line, bool isError = false)
    {
        ArgumentNullException.ThrowIfNull(replicaName);
        var queue = _lines.GetOrAdd(replicaName, _ => new Queue<string>());
        lock (queue)
        {
            queue.Enqueue(line);
            while (queue.Count > Capacity)
            {
                queue.Dequeue();
            }
        }

        sink.WriteLine(replicaName, line, isError);
    }

    /// <summary>The last <paramref name="count"/> lines a replica printed (its own output and AppHost notes about it).</summary>
    public IReadOnlyList<string> GetRecentLines(string replicaName, int count = 50)
    {
        if (!_lines.TryGetValue(replicaName, out var queue))
        {
            return [];
        }

        lock (queue)
        {
            return queue.Skip(Math.Max(0, queue.Count - count)).ToList();
        }
    }
}
