using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Gozon.Messaging.Broker;

public sealed class RabbitMqHealthCheck(RabbitMqConnection connection) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(connection.IsOpen
            ? HealthCheckResult.Healthy("Connected to RabbitMQ")
            : HealthCheckResult.Unhealthy("Not connected to RabbitMQ"));
}
