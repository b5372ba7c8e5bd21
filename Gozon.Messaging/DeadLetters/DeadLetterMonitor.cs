using System.Diagnostics.Metrics;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Outbox;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Gozon.Messaging.DeadLetters;

/// <summary>The queues this service consumes; their dead-letter queues are the ones it watches.</summary>
public sealed record ConsumedQueue(string Name);

/// <summary>
/// Reads how many messages wait in the dead-letter queues of the queues this service consumes, every
/// <see cref="MessagingOptions.DeadLetterCheckInterval"/>: the gauge <c>gozon.messaging.dead_letters</c> and the health
/// check, which reports Degraded while any wait. Degraded, not Unhealthy: the service still works, and a load balancer
/// must not take it out of rotation for what an operator has to look at (and can redrive).
/// </summary>
public sealed partial class DeadLetterMonitor : BackgroundService, IHealthCheck
{
    private readonly BrokerConnections _connections;
    private readonly string[] _deadLetterQueues;
    private readonly TimeProvider _timeProvider;
    private readonly MessagingOptions _options;
    private readonly ILogger<DeadLetterMonitor> _logger;
    private volatile IReadOnlyDictionary<string, uint>? _depths;

    public DeadLetterMonitor(
        BrokerConnections connections, IEnumerable<ConsumedQueue> queues, TimeProvider timeProvider, IMeterFactory meterFactory,
        IOptions<MessagingOptions> options, ILogger<DeadLetterMonitor> logger)
    {
        _connections = connections;
        _deadLetterQueues = [.. queues.Select(q => BrokerTopology.DeadLetterQueueOf(q.Name)).Distinct()];
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
        meterFactory.Create(OutboxMetrics.MeterName).CreateObservableGauge("gozon.messaging.dead_letters",
            () => (_depths ?? new Dictionary<string, uint>()).Select(d =>
                new Measurement<long>(d.Value, new KeyValuePair<string, object?>("messaging.destination.name", d.Key))),
            "{message}", "Messages waiting in a dead-letter queue");
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_depths is not { } depths)
        {
            return Task.FromResult(HealthCheckResult.Healthy("Dead-letter queues not read yet"));
        }

        var waiting = depths.Where(d => d.Value > 0).Select(d => $"{d.Value} in {d.Key}").ToArray();
        return Task.FromResult(waiting.Length == 0
            ? HealthCheckResult.Healthy("No dead letters")
            : HealthCheckResult.Degraded($"Dead letters wait: {string.Join(", ", waiting)}. Inspect them, then redrive."));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_deadLetterQueues.Length == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_options.DeadLetterCheckInterval, _timeProvider);
        do
        {
            try
            {
                _depths = await ReadDepthsAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The broker is away: its own health check says so; keep the last figures.
                LogReadFailed(exception);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private async Task<IReadOnlyDictionary<string, uint>> ReadDepthsAsync(CancellationToken cancellationToken)
    {
        var connection = await _connections.Consuming.GetConnectionAsync(cancellationToken);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        var depths = new Dictionary<string, uint>();
        foreach (var queue in _deadLetterQueues)
        {
            depths[queue] = (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }

        return depths;
    }

    [LoggerMessage(LogLevel.Debug, "Reading the depth of the dead-letter queues failed")]
    private partial void LogReadFailed(Exception exception);
}
