namespace Gozon.AppHost.Infrastructure;

public static class DirectEndpointsExtensions
{
    /// <summary>
    /// The services reach this container at its published port, without DCP's endpoint proxy in between. The proxy is
    /// for replicas and restarts of projects; a server container has one replica and keeps its port, and every database
    /// round trip through the proxy is one more user-space copy each way on a machine whose cores the services and the
    /// servers share. Docker picks the host port; Aspire reads it back for the connection strings.
    /// </summary>
    public static IResourceBuilder<T> WithDirectEndpoints<T>(this IResourceBuilder<T> builder) where T : ContainerResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>())
        {
            endpoint.IsProxied = false;
        }

        return builder;
    }
}
