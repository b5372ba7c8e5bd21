namespace Gozon.AppHost.Hosting;

/// <summary>Where resource output lines and the resource table go (console by default, a file in tests).</summary>
public interface IResourceOutputSink
{
    void WriteLine(string source, string line, bool isError);

    void WriteBlock(string text);
}
