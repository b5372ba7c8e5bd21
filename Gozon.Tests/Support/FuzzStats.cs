namespace Gozon.Tests.Support;

/// <summary>What a fuzz run sent and got, for its one line of output (shrinking steps count too).</summary>
public sealed class FuzzStats
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<int, int> _statuses = [];
    private TimeSpan _http;
    private (TimeSpan Took, string Request) _slowest = (TimeSpan.Zero, "");

    public void Add(int status, TimeSpan took, FuzzCase fuzzCase)
    {
        lock (_lock)
        {
            _statuses[status] = _statuses.GetValueOrDefault(status) + 1;
            _http += took;
            if (took > _slowest.Took)
            {
                _slowest = (took, fuzzCase.ToString());
            }
        }
    }

    public override string ToString()
    {
        lock (_lock)
        {
            return $"statuses {string.Join(", ", _statuses.Select(s => $"{s.Key}x{s.Value}"))}; " +
                $"{_http.TotalSeconds:0.0} s in HTTP, slowest {_slowest.Took.TotalMilliseconds:0} ms: {_slowest.Request}";
        }
    }
}
