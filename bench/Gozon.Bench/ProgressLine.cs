namespace Gozon.Bench;

/// <summary>One status line, rewritten in place on a terminal; every few seconds as a plain line in a log.</summary>
public sealed class ProgressLine
{
    private readonly bool _interactive = !Console.IsOutputRedirected;
    private readonly Lock _lock = new();
    private DateTimeOffset _lastPlain = DateTimeOffset.MinValue;
    private int _width;

    public void Update(string text)
    {
        lock (_lock)
        {
            if (_interactive)
            {
                Console.Write('\r' + text.PadRight(_width));
                _width = text.Length;
            }
            else if (DateTimeOffset.UtcNow - _lastPlain >= TimeSpan.FromSeconds(5))
            {
                Console.WriteLine(text);
                _lastPlain = DateTimeOffset.UtcNow;
            }
        }
    }

    /// <summary>Ends the status line so the next output starts on a line of its own.</summary>
    public void Done(string? text = null)
    {
        lock (_lock)
        {
            if (_interactive && _width > 0)
            {
                Console.Write('\r' + (text ?? "").PadRight(_width));
                Console.WriteLine();
            }
            else if (text is not null)
            {
                Console.WriteLine(text);
            }

            _width = 0;
            _lastPlain = DateTimeOffset.MinValue;
        }
    }

    public void Line(string text)
    {
        Done();
        Console.WriteLine(text);
    }
}
