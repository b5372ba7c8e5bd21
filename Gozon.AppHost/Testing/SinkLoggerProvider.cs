using Gozon.AppHost.Hosting;
using Microsoft.Extensions.Logging;

namespace Gozon.AppHost.Testing;

/// <summary>Routes the AppHost's own <see cref="ILogger"/> output into an <see cref="IResourceOutputSink"/> as <c>[apphost]</c>.</summary>
public sealed class SinkLoggerProvider(IResourceOutputSink sink) : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new SinkLogger(sink, categoryName);

    public void Dispose()
    {
    }

    private sealed class SinkLogger(IResourceOutputSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var message = $"{logLevel}: {category}: {formatter(state, exception)}";
            if (exception is not null)
            {
                message += Environment.NewLine + exception;
            }

            sink.WriteLine("apphost", message, logLevel >= LogLevel.Warning);
        }
    }
}
