using System.Globalization;
using Gozon.AppHost.Infrastructure;

namespace Gozon.AppHost.Publishing;

/// <summary>
/// The connection budget of the compose deployment. <c>docker compose --scale</c> is chosen after the file is written, so
/// the pools are sized for <see cref="ConnectionBudget.DeployReplicas"/> replicas of every service with a database
/// (or the model's replica count, if higher): scaling up to that never exceeds the server's limit. A service published
/// on a host port (the gateway) cannot be scaled, so it counts with the model's replicas only: one.
/// </summary>
internal sealed class DeployPools
{
    private readonly ConnectionBudget? _budget;
    private readonly int _replicas;

    private DeployPools(ConnectionBudget? budget, int replicas)
    {
        _budget = budget;
        _replicas = replicas;
    }

    public static DeployPools For(IEnumerable<IResource> resources)
    {
        var clients = resources.Select(r => (Resource: r, Annotation: r.Annotations.OfType<ConnectionBudgetAnnotation>().LastOrDefault()))
            .Where(c => c.Annotation is not null)
            .ToList();
        if (clients.Count == 0)
        {
            return new DeployPools(null, 0);
        }

        var budget = clients[0].Annotation!.Budget;
        var replicas = clients.Sum(c => ComposeModel.PublishedEndpoints(c.Resource).Count > 0
            ? c.Resource.ReplicaCount()
            : Math.Max(budget.DeployReplicas, c.Resource.ReplicaCount()));
        return new DeployPools(budget, replicas);
    }

    public string Summary => _budget is null
        ? "No service holds a database pool."
        : string.Create(CultureInfo.InvariantCulture,
            $"Connection budget: max_connections {_budget.MaxConnections}, {_budget.Reserved} reserved, pools of {_budget.PoolSize(_replicas)} for {_replicas} containers: up to {_budget.DeployReplicas} of each scalable database service (--Gozon:Database:DeployReplicas).");

    public IReadOnlyDictionary<string, string> SettingsFor(IResource project) =>
        _budget is not null && project.HasAnnotationOfType<ConnectionBudgetAnnotation>()
            ? _budget.PoolSettings(_replicas)
            : new Dictionary<string, string>();
}
