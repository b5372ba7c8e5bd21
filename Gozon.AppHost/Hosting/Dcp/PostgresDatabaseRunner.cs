using Microsoft.Extensions.Logging;
using Npgsql;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Creates the database when its server is healthy; healthy while a connection to it opens.</summary>
internal sealed partial class PostgresDatabaseRunner(PostgresDatabaseResource resource, RunnerContext context)
    : ResourceRunner(resource, "PostgreSQL database", 1, context)
{
    private const string DuplicateDatabase = "42P04";

    public override async Task<string?> GetConnectionStringAsync(CancellationToken cancellationToken)
    {
        var server = await Context.Runners.Get(resource.Server.Name).GetConnectionStringAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new DistributedApplicationException($"Server '{resource.Server.Name}' has no connection string.");
        return PostgresConnectionInfo.WithDatabase(server, resource.DatabaseName);
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        SetState(ResourceState.Stopped);
        return Task.CompletedTask;
    }

    protected override string? GetDisplayUrl() => $"database {resource.DatabaseName}";

    protected override async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var server = await Context.Runners.Get(resource.Server.Name).GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        var builder = new NpgsqlConnectionStringBuilder(server) { Pooling = false, Database = "postgres" };
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection))
        {
            exists.Parameters.AddWithValue("name", resource.DatabaseName);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
            {
                LogCreating(resource.DatabaseName);
                var quoted = "\"" + resource.DatabaseName.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
                await using var create = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
                try
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException ex) when (ex.SqlState == DuplicateDatabase)
                {
                    // Created concurrently: fine.
                }
            }
        }

        SetState(ResourceState.Running);
    }

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken) =>
        await Probes.PostgresAsync(
            (await GetConnectionStringAsync(cancellationToken).ConfigureAwait(false))!, cancellationToken).ConfigureAwait(false);

    [LoggerMessage(Level = LogLevel.Information, Message = "Creating database {Database}")]
    private partial void LogCreating(string database);
}
