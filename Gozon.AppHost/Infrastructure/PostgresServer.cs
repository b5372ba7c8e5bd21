namespace Gozon.AppHost.Infrastructure;

/// <summary>
/// A PostgreSQL server in whichever <see cref="InfrastructureMode"/> runs, and a way to add its databases:
/// the services see the same connection names (<c>ConnectionStrings__orders-db</c>) in every mode.
/// </summary>
public sealed class PostgresServer(
    IResourceBuilder<IResourceWithConnectionString> server,
    Func<string, string, IResourceBuilder<IResourceWithConnectionString>> addDatabase)
{
    public IResourceBuilder<IResourceWithConnectionString> Server { get; } = server;

    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string name, string databaseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        return addDatabase(name, databaseName);
    }
}
