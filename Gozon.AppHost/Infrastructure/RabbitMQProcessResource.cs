namespace Gozon.AppHost.Infrastructure;

/// <summary>
/// RabbitMQ as a local process (Process mode): <c>Processes/rabbitmq.sh</c> runs the machine's
/// <c>rabbitmq-server</c> as a node of its own, with its data in the state folder.
/// </summary>
public sealed class RabbitMQProcessResource(string name, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, "bash", workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";
    public const string DistributionEndpointName = "dist";
    public const string UserName = "gozon";

    public EndpointReference PrimaryEndpoint => new(this, EndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"amqp://{UserName}:{PasswordParameter}@{PrimaryEndpoint.Property(EndpointProperty.IPV4Host)}:{PrimaryEndpoint.Property(EndpointProperty.Port)}/");
}
