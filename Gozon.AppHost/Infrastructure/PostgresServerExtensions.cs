namespace Gozon.AppHost.Infrastructure;

public static class PostgresServerExtensions
{
    /// <summary>
    /// PostgreSQL for <paramref name="mode"/>: Aspire's container (<c>AddPostgres</c>), a local process, or the
    /// server of <c>ConnectionStrings:{name}</c>. <paramref name="maxConnections"/> is the server's limit in the
    /// modes that start a server.
    /// </summary>
    public static PostgresServer AddPostgresServer(
        this IDistributedApplicationBuilder builder, string name, InfrastructureMode mode, int maxConnections, bool persistent)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var serverArgument = $"max_connections={maxConnections}";
        switch (mode)
        {
            case InfrastructureMode.Container:
                var container = builder.AddPostgres(name).WithArgs("-c", serverArgument).WithDirectEndpoints();
                if (persistent)
                {
                    container.WithDataVolume("gozon-postgres-data");
                }

                return new PostgresServer(container, (database, databaseName) => container.AddDatabase(database, databaseName));

            case InfrastructureMode.Process:
                var process = builder.AddPostgresProcess(name, serverArgument);
                return new PostgresServer(process, (database, databaseName) =>
                {
                    process.Resource.AddDatabaseName(databaseName);
                    return builder.AddDatabaseConnection(database, process.Resource, databaseName);
                });

            case InfrastructureMode.External:
                var external = builder.AddConnectionString(name).WithPostgresHealthCheck();
                return new PostgresServer(external, (database, databaseName) => builder.AddDatabaseConnection(database, external.Resource, databaseName));

            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Resolve Auto with GetInfrastructureMode first.");
        }
    }

    /// <summary>PostgreSQL from the machine's binaries, run by <c>Processes/postgres.sh</c>.</summary>
    public static IResourceBuilder<PostgresProcessResource> AddPostgresProcess(
        this IDistributedApplicationBuilder builder, string name, string serverArguments)
    {
        var process = builder.AddServerProcess(name, "postgres.sh", PostgresProcessResource.EndpointName,
            (directory, password) => new PostgresProcessResource(name, directory, password));
        var resource = process.Resource;
        return process
            .WithEnvironment(context =>
            {
                context.EnvironmentVariables["GOZON_STATE"] = resource.WorkingDirectory;
                context.EnvironmentVariables["PGPORT"] = resource.PrimaryEndpoint.Property(EndpointProperty.TargetPort);
                context.EnvironmentVariables["POSTGRES_PASSWORD"] = resource.PasswordParameter;
                context.EnvironmentVariables["POSTGRES_ARGS"] = $"-c {serverArguments}";
                context.EnvironmentVariables["GOZON_DATABASES"] = string.Join(' ', resource.DatabaseNames);
                context.EnvironmentVariables["LC_ALL"] = "C.UTF-8";
            })
            .WithPostgresHealthCheck();
    }

    private static IResourceBuilder<IResourceWithConnectionString> AddDatabaseConnection(
        this IDistributedApplicationBuilder builder, string name, IResourceWithConnectionString server, string databaseName) =>
        builder.AddConnectionString(name, ReferenceExpression.Create($"{server};Database={databaseName}"))
            .WithParentRelationship(server)
            .WithPostgresHealthCheck();
}
