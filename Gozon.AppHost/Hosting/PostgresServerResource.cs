namespace Gozon.AppHost.Hosting;

/// <summary>A PostgreSQL server; its connection string has no database.</summary>
public sealed class PostgresServerResource(string name) : Resource(name), IResourceWithConnectionString
{
    private readonly List<PostgresDatabaseResource> _databases = [];

    public string UserName { get; } = "postgres";

    public IReadOnlyList<PostgresDatabaseResource> Databases => _databases;

    internal void AddDatabase(PostgresDatabaseResource database) => _databases.Add(database);
}
