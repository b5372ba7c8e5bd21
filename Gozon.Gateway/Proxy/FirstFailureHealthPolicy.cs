using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace Gozon.Gateway.Proxy;

/// <summary>
/// Passive health: the first request that fails to reach a destination (connection refused, reset, timed out) takes that
/// destination out of the rotation for the cluster's <c>ReactivationPeriod</c>. YARP's own TransportFailureRate policy
/// waits until failures reach a share of the last minute's requests: after a replica that had served thousands is killed,
/// hundreds more requests would be sent to it first. The active check on <c>/alive</c> keeps it out until it answers again.
/// </summary>
public sealed class FirstFailureHealthPolicy(IDestinationHealthUpdater healthUpdater) : IPassiveHealthCheckPolicy
{
    public const string PolicyName = "FirstFailure";
    private static readonly TimeSpan DefaultReactivationPeriod = TimeSpan.FromSeconds(10);

    public string Name => PolicyName;

    public void RequestProxied(HttpContext context, ClusterState cluster, DestinationState destination)
    {
        // Only failures of the destination: a client that went away says nothing about it.
        if (context.GetForwarderErrorFeature()?.Error is ForwarderError.Request or ForwarderError.RequestTimedOut
            or ForwarderError.RequestBodyDestination or ForwarderError.ResponseBodyDestination
            or ForwarderError.UpgradeRequestDestination or ForwarderError.UpgradeResponseDestination)
        {
            var reactivation = cluster.Model.Config.HealthCheck?.Passive?.ReactivationPeriod ?? DefaultReactivationPeriod;
            healthUpdater.SetPassive(cluster, destination, DestinationHealth.Unhealthy, reactivation);
        }
    }
}
