namespace Gozon.AppHost.Hosting;

/// <summary>How PostgreSQL and RabbitMQ are provided (<c>Gozon:Infrastructure</c>).</summary>
public enum InfrastructureMode
{
    /// <summary>External when a connection string is configured, Container when Docker answers, otherwise Process.</summary>
    Auto,

    /// <summary>Local <c>postgres</c> and <c>rabbitmq-server</c> child processes.</summary>
    Process,

    /// <summary><c>docker run</c> of the official images plus the Aspire dashboard.</summary>
    Container,

    /// <summary>Use <c>ConnectionStrings:{name}</c> from configuration, start nothing.</summary>
    External,
}
