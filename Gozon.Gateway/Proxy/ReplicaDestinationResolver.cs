using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Primitives;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.ServiceDiscovery;

namespace Gozon.Gateway.Proxy;

/// <summary>
/// Turns a destination whose host name stands for several replicas (compose's <c>http://orders:8080</c>, which Docker DNS
/// answers with one address per container) into one destination per address, re-resolved every few seconds. Without it
/// YARP sees one destination for all replicas: its health checks could only eject all of them at once, and a dead
/// replica's address stays in the connection pool's rotation. Addresses and <c>localhost</c> are left as they are
/// (the AppHost's run mode gives every replica its own port).
/// </summary>
public sealed partial class ReplicaDestinationResolver(
    IDestinationResolver inner, TimeProvider timeProvider, ILogger<ReplicaDestinationResolver> logger) : IDestinationResolver
{
    // How soon a scaled-up replica gets traffic, and a removed one stops being probed.
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(5);

    public async ValueTask<ResolvedDestinationCollection> ResolveDestinationsAsync(
        IReadOnlyDictionary<string, DestinationConfig> destinations, CancellationToken cancellationToken)
    {
        var resolved = await inner.ResolveDestinationsAsync(destinations, cancellationToken);
        var expanded = new Dictionary<string, DestinationConfig>(StringComparer.OrdinalIgnoreCase);
        var byName = false;
        foreach (var (name, destination) in resolved.Destinations)
        {
            var address = new Uri(destination.Address);
            if (address.HostNameType != UriHostNameType.Dns || address.IsLoopback)
            {
                expanded[name] = destination;
                continue;
            }

            byName = true;
            foreach (var (ipName, ipDestination) in await ExpandAsync(name, destination, address, cancellationToken))
            {
                expanded[ipName] = ipDestination;
            }
        }

        if (!byName)
        {
            return resolved;
        }

        // Expires by itself: one timer per refresh, gone once it fired.
        var refresh = new CancellationTokenSource(RefreshInterval, timeProvider);
        IChangeToken changeToken = new CancellationChangeToken(refresh.Token);
        if (resolved.ChangeToken is { } innerToken)
        {
            changeToken = new CompositeChangeToken([innerToken, changeToken]);
        }

        return new ResolvedDestinationCollection(expanded, changeToken);
    }

    private async Task<IEnumerable<(string Name, DestinationConfig Destination)>> ExpandAsync(
        string name, DestinationConfig destination, Uri address, CancellationToken cancellationToken)
    {
        IPAddress[] addresses;
        try
        {
            addresses = await Dns.GetHostAddressesAsync(address.DnsSafeHost, cancellationToken);
        }
        catch (Exception exception) when (exception is System.Net.Sockets.SocketException && !cancellationToken.IsCancellationRequested)
        {
            // No replica right now (all restarting): keep the name, the next refresh looks again.
            LogResolveFailed(exception, address.DnsSafeHost);
            return [(name, destination)];
        }

        if (addresses.Length <= 1)
        {
            return [(name, destination)];
        }

        // The replica still sees the name it was asked for, as without this resolver.
        var host = destination.Host ?? address.Authority;
        return addresses.Order(AddressComparer.Instance).Select(ip => (
            $"{name}[{ip}]",
            destination with { Address = WithHost(address, ip), Health = destination.Health is { } health ? WithHost(new Uri(health), ip) : null, Host = host }));
    }

    private static string WithHost(Uri uri, IPAddress ip) => new UriBuilder(uri) { Host = ip.ToString() }.Uri.ToString();

    [LoggerMessage(LogLevel.Warning, "Could not resolve {Host}; keeping it as one destination")]
    private partial void LogResolveFailed(Exception exception, string host);

    // A stable order keeps the destinations' dictionary (and so YARP's round robin) the same between refreshes.
    private sealed class AddressComparer : IComparer<IPAddress>
    {
        public static readonly AddressComparer Instance = new();

        public int Compare(IPAddress? x, IPAddress? y) => string.CompareOrdinal(x?.ToString(), y?.ToString());
    }
}

public static class ReplicaDestinationExtensions
{
    /// <summary>Wraps the destination resolver registered so far (service discovery's) in a <see cref="ReplicaDestinationResolver"/>.</summary>
    public static IReverseProxyBuilder AddReplicaDestinations(this IReverseProxyBuilder builder)
    {
        var previous = builder.Services.LastOrDefault(d => d.ServiceType == typeof(IDestinationResolver))
            ?? throw new InvalidOperationException("Register a destination resolver (service discovery's) before AddReplicaDestinations.");
        builder.Services.Replace(ServiceDescriptor.Singleton<IDestinationResolver>(services =>
            ActivatorUtilities.CreateInstance<ReplicaDestinationResolver>(services, Create(services, previous))));
        return builder;
    }

    private static IDestinationResolver Create(IServiceProvider services, ServiceDescriptor descriptor) => (IDestinationResolver)(
        descriptor.ImplementationInstance
        ?? descriptor.ImplementationFactory?.Invoke(services)
        ?? ActivatorUtilities.CreateInstance(services, descriptor.ImplementationType!));
}
