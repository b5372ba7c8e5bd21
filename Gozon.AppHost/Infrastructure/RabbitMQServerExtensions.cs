namespace Gozon.AppHost.Infrastructure;

public static class RabbitMQServerExtensions
{
    /// <summary>RabbitMQ for <paramref name="mode"/>: Aspire's container (<c>AddRabbitMQ</c>), a local process, or <c>ConnectionStrings:{name}</c>.</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRabbitMQServer(
        this IDistributedApplicationBuilder builder, string name, InfrastructureMode mode, bool persistent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        switch (mode)
        {
            case InfrastructureMode.Container:
                var container = builder.AddRabbitMQ(name).WithManagementPlugin().WithDirectEndpoints();
                return persistent ? container.WithDataVolume("gozon-rabbitmq-data") : container;
            case InfrastructureMode.Process:
                return builder.AddRabbitMQProcess(name);
            case InfrastructureMode.External:
                return builder.AddConnectionString(name).WithRabbitMQHealthCheck();
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Resolve Auto with GetInfrastructureMode first.");
        }
    }

    /// <summary>RabbitMQ from the machine's <c>rabbitmq-server</c>, run by <c>Processes/rabbitmq.sh</c>.</summary>
    public static IResourceBuilder<RabbitMQProcessResource> AddRabbitMQProcess(this IDistributedApplicationBuilder builder, string name)
    {
        var process = builder.AddServerProcess(name, "rabbitmq.sh", RabbitMQProcessResource.EndpointName,
            (directory, password) => new RabbitMQProcessResource(name, directory, password));
        var resource = process.Resource;
        return process
            .WithEndpoint(RabbitMQProcessResource.DistributionEndpointName, endpoint =>
            {
                endpoint.UriScheme = "tcp";
                endpoint.IsProxied = false;
                endpoint.IsExternal = false;
            })
            .WithEnvironment(context =>
            {
                var port = resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["GOZON_STATE"] = resource.WorkingDirectory;
                context.EnvironmentVariables["GOZON_AMQP_PORT"] = port;
                context.EnvironmentVariables["RABBITMQ_DIST_PORT"] =
                    new EndpointReference(resource, RabbitMQProcessResource.DistributionEndpointName).Property(EndpointProperty.TargetPort);
                // One node name per state folder: a second AppHost on the machine gets a node of its own.
                context.EnvironmentVariables["RABBITMQ_NODENAME"] = NodeName(resource.WorkingDirectory);
                context.EnvironmentVariables["RABBITMQ_DEFAULT_USER"] = RabbitMQProcessResource.UserName;
                context.EnvironmentVariables["RABBITMQ_DEFAULT_PASS"] = resource.PasswordParameter;
            })
            .WithRabbitMQHealthCheck();
    }

    private static string NodeName(string stateDirectory) =>
        $"gozon-{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(stateDirectory)))[..8]}@localhost";
}
