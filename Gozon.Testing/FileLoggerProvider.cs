using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Gozon.Testing;

/// <summary>
/// Appends <c>HH:mm:ss.fff [category] message</c> to one file, flushed per line, so a harness's log holds the
/// AppHost's own lines and every resource's output (which Aspire.Hosting.Testing forwards as log categories).
/// </summary>
public sealed class FileLoggerProvider : ILoggerProvider
{
    private readonly Lock _lock = new();
    private readonly StreamWriter _writer;
    private bool _disposed;

    public FileLoggerProvider(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.ReadWrite)) { AutoFlush = true };
    }

    public ILogger CreateLogger(string categoryName) => new FileLogger(this, ShortCategory(categoryName));

    public void Dispose()
    {
        lock (_lock)
        {
            _disposed = true;
            _writer.Dispose();
        }
    }

    private void Write(string category, LogLevel level, string message, Exception? exception)
    {
        var marker = level >= LogLevel.Warning ? $" {level}:" : "";
        var line = $"{DateTime.Now.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)} [{category}]{marker} {message}";
        if (exception is not null)
        {
            line += System.Environment.NewLine + exception;
        }

        lock (_lock)
        {
            if (!_disposed)
            {
                _writer.WriteLine(line);
            }
        }
    }

    // "Gozon.AppHost.Resources.orders" is the forwarded output of the resource "orders".
    private static string ShortCategory(string category) =>
        category.LastIndexOf(".Resources.", StringComparison.Ordinal) is var at and >= 0 ? category[(at + ".Resources.".Length)..] : category;

    private sealed class FileLogger(FileLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(category, logLevel, formatter(state, exception), exception);
            }
        }
    }
}
