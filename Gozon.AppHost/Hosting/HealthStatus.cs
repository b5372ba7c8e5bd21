namespace Gozon.AppHost.Hosting;

/// <summary>Result of the last health probe (<c>/health</c>, a database or AMQP connection).</summary>
public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}
