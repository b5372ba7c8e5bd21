using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gozon.Messaging.Broker;

/// <summary>Answers from the connections' state: a probe never waits for the broker, which may be down at start.</summary>
public sealed class RabbitMqHealthCheck(BrokerConnections connections) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        string[] closed = [.. new[] { connections.Publishing, connections.Consuming }.Where(c => !c.IsOpen).Select(c => c.Purpose)];
        return Task.FromResult(closed.Length == 0
            ? HealthCheckResult.Healthy("Connected to RabbitMQ")
            : HealthCheckResult.Unhealthy($"Not connected to RabbitMQ ({string.Join(", ", closed)})"));
    }
}
