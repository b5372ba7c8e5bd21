namespace Gozon.AppHost.Hosting;

/// <summary>Writes <c>[source] line</c> to the console, coloured per source when attached to a terminal.</summary>
public sealed class ConsoleResourceOutputSink : IResourceOutputSink
{
    private static readonly int[] Colours = [36, 32, 33, 35, 34, 96, 92, 93, 95, 94];
    private readonly Lock _lock = new();
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void WriteLine(string source, string line, bool isError)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_lock)
        {
            if (_colour)
            {
                var colour = Colours[(int)((uint)StableHash(source) % (uint)Colours.Length)];
                Console.Out.WriteLine($"\u001b[{colour}m[{source}]\u001b[0m {line}");
            }
            else
            {
                Console.Out.WriteLine($"[{source}] {line}");
            }
        }
    }

    public void WriteBlock(string text)
    {
        lock (_lock)
        {
            Console.Out.WriteLine(text);
        }
    }

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text.Split('-')[0])
        {
            hash = unchecked((hash * 31) + c);
        }

        return hash;
    }
}
