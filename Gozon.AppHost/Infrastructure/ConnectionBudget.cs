using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost.Infrastructure;

/// <summary>
/// How the PostgreSQL server's connections are shared. The server allows <see cref="MaxConnections"/>;
/// <see cref="Reserved"/> of them stay free for what is not a service's pool (the AppHost's health checks, PostgreSQL's
/// superuser slots, psql, pgbench); the rest is split evenly among the replicas of every service with a database.
/// So the pools add up to at most <c>MaxConnections − Reserved</c> whatever the replica counts, and a busy pool makes
/// a request wait for a connection instead of PostgreSQL answering "too many clients".
/// </summary>
public sealed record ConnectionBudget(int MaxConnections, int Reserved, int DeployReplicas)
{
    public const string Section = "Gozon:Database";
    public const int DefaultMaxConnections = 200;
    public const int DefaultReserved = 30;
    public const int DefaultDeployReplicas = 4;

    /// <summary>Connections the services' pools share.</summary>
    public int Available => MaxConnections - Reserved;

    /// <summary>
    /// <c>Gozon:Database:MaxConnections</c> (200), <c>:ReservedConnections</c> (30) and <c>:DeployReplicas</c> (4, the replicas of
    /// each service deploy/'s pools are sized for, since <c>docker compose --scale</c> is decided after the file is written).
    /// </summary>
    public static ConnectionBudget FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var budget = new ConnectionBudget(
            Read(configuration, "MaxConnections", DefaultMaxConnections),
            Read(configuration, "ReservedConnections", DefaultReserved),
            Read(configuration, "DeployReplicas", DefaultDeployReplicas));
        if (budget.Reserved < 0 || budget.Available < 1 || budget.DeployReplicas < 1)
        {
            throw new DistributedApplicationException(string.Create(CultureInfo.InvariantCulture,
                $"{Section}: MaxConnections {budget.MaxConnections} must exceed ReservedConnections {budget.Reserved} (≥ 0), and DeployReplicas {budget.DeployReplicas} must be at least 1."));
        }

        return budget;
    }

    /// <summary>The pool of one replica when <paramref name="replicas"/> replicas (all services together) share the budget.</summary>
    public int PoolSize(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return Available / replicas is var pool and >= 1
            ? pool
            : throw new DistributedApplicationException(string.Create(CultureInfo.InvariantCulture,
                $"{replicas} replicas with a database cannot share {Available} connections ({Section}:MaxConnections {MaxConnections} − ReservedConnections {Reserved}): raise MaxConnections."));
    }

    private static int Read(IConfiguration configuration, string key, int defaultValue)
    {
        var text = configuration[$"{Section}:{key}"];
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new DistributedApplicationException($"{Section}:{key} = '{text}': expected a whole number.");
    }
}
