using System.Globalization;

namespace Gozon.AppHost.Infrastructure;

/// <summary>A project that holds a pool of PostgreSQL connections, sized from the <see cref="ConnectionBudget"/>.</summary>
public sealed record ConnectionBudgetAnnotation(ConnectionBudget Budget) : IResourceAnnotation;

public static class ConnectionBudgetExtensions
{
    /// <summary>The service's settings (<c>Database__MaxPoolSize</c>, <c>Database__PlannedConnections</c>) for the pools it shares with.</summary>
    public static IReadOnlyDictionary<string, string> PoolSettings(this ConnectionBudget budget, int replicas)
    {
        ArgumentNullException.ThrowIfNull(budget);
        var pool = budget.PoolSize(replicas);
        return new Dictionary<string, string>
        {
            ["Database__MaxPoolSize"] = pool.ToString(CultureInfo.InvariantCulture),
            ["Database__PlannedConnections"] = (pool * replicas).ToString(CultureInfo.InvariantCulture),
        };
    }

    /// <summary>
    /// Sizes this project's pool from <paramref name="budget"/>: the replicas of every project marked this way share it, counted
    /// when the project starts, so <c>--replicas</c> and <c>WithReplicas</c> are taken into account.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithConnectionBudget(this IResourceBuilder<ProjectResource> builder, ConnectionBudget budget)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(budget);
        var resources = builder.ApplicationBuilder.Resources;
        return builder
            .WithAnnotation(new ConnectionBudgetAnnotation(budget))
            .WithEnvironment(context =>
            {
                var replicas = resources.Where(r => r.HasAnnotationOfType<ConnectionBudgetAnnotation>()).Sum(ReplicaCount);
                foreach (var (key, value) in budget.PoolSettings(replicas))
                {
                    context.EnvironmentVariables[key] = value;
                }
            });
    }

    /// <summary>The resource's replicas in the model (<c>WithReplicas</c>), 1 when it has none.</summary>
    public static int ReplicaCount(this IResource resource) =>
        resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;
}
