using Microsoft.Extensions.DependencyInjection;
using RabbitMQ.Client;

namespace Gozon.AppHost.Infrastructure;

/// <summary>
/// Health checks for the resources Aspire's own integrations do not check: the process-mode servers and
/// connection strings to the user's servers. <c>WaitFor</c> on such a resource then means "answers", not "started".
/// </summary>
internal static class InfrastructureHealthChecks
{
    public static IResourceBuilder<T> WithPostgresHealthCheck<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        var connectionString = ResolveOnce(builder.Resource);
        builder.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(_ => connectionString.Value, name: key);
        return builder.WithHealthCheck(key);
    }

    public static IResourceBuilder<T> WithRabbitMQHealthCheck<T>(this IResourceBuilder<T> builder)
        where T : IResourceWithConnectionString
    {
        var key = $"{builder.Resource.Name}_check";
        var connectionString = ResolveOnce(builder.Resource);
        IConnection? connection = null;
        builder.ApplicationBuilder.Services.AddHealthChecks().AddRabbitMQ(
            async _ => connection ??= await new ConnectionFactory { Uri = new Uri(connectionString.Value) }.CreateConnectionAsync(),
            name: key);
        return builder.WithHealthCheck(key);
    }

    // Health checks run only once the resource is running, when its endpoints (and so its connection string) are known.
    private static Lazy<string> ResolveOnce(IResourceWithConnectionString resource) => new(() =>
        resource.GetConnectionStringAsync().AsTask().GetAwaiter().GetResult()
        ?? throw new DistributedApplicationException($"Resource '{resource.Name}' has no connection string."));
}
