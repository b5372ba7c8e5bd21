namespace Gozon.AppHost.Infrastructure;

internal static class ServerProcessExtensions
{
    /// <summary>
    /// A server run by one of <c>Infrastructure/Processes/*.sh</c>: its folder in the state directory (the working
    /// directory), a password kept there as a secret parameter, and its main endpoint unproxied, so nothing sits
    /// between the services and the server.
    /// </summary>
    public static IResourceBuilder<T> AddServerProcess<T>(
        this IDistributedApplicationBuilder builder, string name, string script, string endpointName,
        Func<string, ParameterResource, T> create) where T : ExecutableResource
    {
        var state = StateDirectory.For(builder);
        var password = builder.AddParameter($"{name}-password", state.GetOrCreateSecret($"{name}-password"), secret: true);
        return builder.AddResource(create(state.GetDirectory(name), password.Resource))
            .WithArgs(Path.Combine(builder.AppHostDirectory, "Infrastructure", "Processes", script))
            .WithEndpoint(endpointName, endpoint =>
            {
                endpoint.UriScheme = "tcp";
                endpoint.IsProxied = false;
            });
    }
}
