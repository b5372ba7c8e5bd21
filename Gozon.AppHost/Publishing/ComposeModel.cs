using static Gozon.AppHost.Publishing.ComposeServices;

namespace Gozon.AppHost.Publishing;

/// <summary>What the compose services read from Aspire's model: images, arguments, references, waits, users and ports.</summary>
internal static class ComposeModel
{
    /// <summary>What <c>WithReference</c> gives the project under <c>dotnet run</c>, with compose's host names and container ports.</summary>
    public static (string Key, string Value) ReferenceVariable(ProjectResource project, IResource reference) => reference switch
    {
        PostgresDatabaseResource db => ($"ConnectionStrings__{db.Name}",
            $"Host={db.Parent.Name};Port={TargetPort(db.Parent.PrimaryEndpoint)};Username={PostgresUser(db.Parent)};Password=${{{PostgresPasswordKey}}};Database={db.DatabaseName}"),
        RabbitMQServerResource rabbitmq => ($"ConnectionStrings__{rabbitmq.Name}",
            $"amqp://{RabbitMQUser}:${{{RabbitMQPasswordKey}}}@{rabbitmq.Name}:{TargetPort(rabbitmq.PrimaryEndpoint)}/"),
        // One name for all replicas: Docker DNS returns every container of the service.
        ProjectResource referenced => ($"services__{referenced.Name}__http__0", $"http://{referenced.Name}:{ContainerHttpPort}"),
        _ => throw new DistributedApplicationException($"The compose publisher cannot reference '{reference.Name}' from '{project.Name}'."),
    };

    public static IEnumerable<IResource> References(IResource resource) => resource.Annotations
        .OfType<ResourceRelationshipAnnotation>()
        .Where(a => a.Type == "Reference")
        .Select(a => a.Resource)
        .Distinct();

    // A database is not a container: waiting for it is waiting for its server (the init script creates it).
    public static IResource Service(IResource resource) => resource is PostgresDatabaseResource db ? db.Parent : resource;

    public static string Condition(WaitType type) => type switch
    {
        WaitType.WaitUntilHealthy => "service_healthy",
        WaitType.WaitForCompletion => "service_completed_successfully",
        _ => "service_started",
    };

    public static string Image(IResource resource)
    {
        if (!resource.TryGetLastAnnotation<ContainerImageAnnotation>(out var image))
        {
            throw new DistributedApplicationException($"'{resource.Name}' has no container image.");
        }

        // docker.io/library/postgres is what `docker pull postgres` means; the short form is the familiar one.
        var name = image.Registry is null or "docker.io" ? image.Image.Replace("library/", "", StringComparison.Ordinal) : $"{image.Registry}/{image.Image}";
        return $"{name}:{image.Tag ?? "latest"}";
    }

    public static async Task<IReadOnlyList<string>> ArgumentsAsync(IResource resource, CancellationToken cancellationToken)
    {
        var args = new List<object>();
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(new CommandLineArgsCallbackContext(args, resource, cancellationToken)).ConfigureAwait(false);
        }

        return args.Select(a => a as string ?? throw new DistributedApplicationException(
            $"Argument '{a}' of '{resource.Name}' is not plain text; the compose publisher writes plain arguments only.")).ToList();
    }

    public static string PostgresUser(PostgresServerResource postgres) => postgres.UserNameParameter is null
        ? "postgres"
        : throw new DistributedApplicationException($"'{postgres.Name}' has a user name parameter; the compose publisher knows the default user only.");

    public static int TargetPort(EndpointReference endpoint) =>
        endpoint.EndpointAnnotation.TargetPort ?? throw new DistributedApplicationException($"Endpoint '{endpoint.EndpointName}' of '{endpoint.Resource.Name}' has no target port.");
}
