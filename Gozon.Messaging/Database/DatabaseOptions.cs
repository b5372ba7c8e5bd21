using Microsoft.Extensions.Configuration;

namespace Gozon.Messaging.Database;

/// <summary>
/// The service's share of the PostgreSQL server's connections (section <c>Database</c>). The AppHost and deploy/ set
/// both from one connection budget; without them the connection string (or Npgsql's default of 100) decides.
/// </summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "Database";

    /// <summary>The most connections this replica's pool opens; a request beyond it waits for one (Npgsql's <c>Timeout</c>, 15 s).</summary>
    public int? MaxPoolSize { get; set; }

    /// <summary>The connections all pools of all services may open together; checked against the server's limit at start.</summary>
    public int? PlannedConnections { get; set; }

    public static DatabaseOptions Read(IConfiguration configuration)
    {
        var options = configuration.GetSection(SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        if (options.MaxPoolSize is < 1 || options.PlannedConnections is < 1 || options.PlannedConnections < options.MaxPoolSize)
        {
            throw new InvalidOperationException(
                $"{SectionName}:MaxPoolSize ({options.MaxPoolSize}) and {SectionName}:PlannedConnections ({options.PlannedConnections}) must be positive, and the plan at least one pool.");
        }

        return options;
    }
}
