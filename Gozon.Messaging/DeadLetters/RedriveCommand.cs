using Gozon.Messaging.Broker;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gozon.Messaging.DeadLetters;

/// <summary>
/// <c>redrive-dead-letters</c> on a service's command line: sends the dead letters of the queues the service consumes
/// back to them and exits, with the service's own configuration (in deploy/: <c>docker compose run --rm payments
/// redrive-dead-letters</c>). The service does not start: no HTTP, no consumers, no migrations.
/// </summary>
public static partial class RedriveCommand
{
    public const string Name = "redrive-dead-letters";

    /// <summary>Runs the command when <paramref name="args"/> name it; returns whether it did.</summary>
    public static async Task<bool> TryRunAsync(WebApplication app, string[] args)
    {
        if (args.FirstOrDefault() != Name)
        {
            return false;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(RedriveCommand).FullName!);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var connection = await app.Services.GetRequiredService<BrokerConnections>().Consuming.GetConnectionAsync(deadline.Token);
        foreach (var queue in app.Services.GetServices<ConsumedQueue>().Select(q => q.Name).Distinct())
        {
            var moved = await DeadLetterRedrive.RedriveAsync(connection, queue, deadline.Token);
            LogRedriven(logger, moved, BrokerTopology.DeadLetterQueueOf(queue), queue);
        }

        return true;
    }

    [LoggerMessage(LogLevel.Information, "Redrove {Count} message(s) from {DeadLetterQueue} to {Queue}")]
    private static partial void LogRedriven(ILogger logger, int count, string deadLetterQueue, string queue);
}
