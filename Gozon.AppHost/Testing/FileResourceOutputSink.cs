using System.Globalization;
using Gozon.AppHost.Hosting;

namespace Gozon.AppHost.Testing;

/// <summary>Appends <c>HH:mm:ss.fff [source] line</c> to a file (flushed per line).</summary>
public sealed class FileResourceOutputSink : IResourceOutputSink, IDisposable
{
    private readonly Lock _lock = new();
    private readonly StreamWriter _writer;
    private bool _disposed;

    public FileResourceOutputSink(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public void WriteLine(string source, string line, bool isError) =>
        Write($"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} [{source}]{(isError ? " !" : "")} {line}");

    public void WriteBlock(string text) => Write(text);

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private void Write(string text)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _writer.WriteLine(text);
            }
        }
    }
}
