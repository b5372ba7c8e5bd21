namespace Gozon.AppHost.Infrastructure;

/// <summary>Where PostgreSQL and RabbitMQ come from (<c>Gozon:Infrastructure</c>).</summary>
public enum InfrastructureMode
{
    /// <summary>External when both connection strings are configured, Container when Docker answers, else Process.</summary>
    Auto,

    /// <summary>Aspire's own PostgreSQL and RabbitMQ containers.</summary>
    Container,

    /// <summary>Local <c>postgres</c> and <c>rabbitmq-server</c> processes, for machines without a container runtime.</summary>
    Process,

    /// <summary>The user's own servers, from <c>ConnectionStrings:postgres</c> and <c>ConnectionStrings:rabbitmq</c>.</summary>
    External,
}
