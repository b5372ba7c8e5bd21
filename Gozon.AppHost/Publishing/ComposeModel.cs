using static Gozon.AppHost.Publishing.ComposeServices;

namespace Gozon.AppHost.Publishing;

/// <summary>What the compose services read from Aspire's model: images, arguments, references, waits, users and ports.</summary>
internal static class ComposeModel
{
    /// <summary>What <c>WithReference</c> gives the project under <c>dotnet run</c>, with compose's host names and container ports.</summary>
    public static (string Key, string Value) ReferenceVariable(ProjectResource project, IResource reference) => reference switch
    {
        // The service's own role, not the superuser: it owns this database and can connect to no other.
        PostgresDatabaseResource db => ($"ConnectionStrings__{db.Name}",
            $"Host={db.Parent.Name};Port={TargetPort(db.Parent.PrimaryEndpoint)};Username={DatabaseRole(project)};Password=${{{RolePasswordKey(project)}}};Database={db.DatabaseName}"),
        RabbitMQServerResource rabbitmq => ($"ConnectionStrings__{rabbitmq.Name}",
            $"amqp://{RabbitMQServicesUser}:${{{RabbitMQServicesPasswordKey}}}@{rabbitmq.Name}:{TargetPort(rabbitmq.PrimaryEndpoint)}/"),
        // One name for all replicas: Docker DNS returns every container of the service.
        ProjectResource referenced => ($"services__{referenced.Name}__http__0", $"http://{referenced.Name}:{ContainerHttpPort}"),
        _ => throw new DistributedApplicationException($"The compose publisher cannot reference '{reference.Name}' from '{project.Name}'."),
    };

    /// <summary>Each database with the one service that uses it (and so owns it in the deployment).</summary>
    public static IReadOnlyList<(PostgresDatabaseResource Database, ProjectResource Owner)> DatabaseOwners(IEnumerable<IResource> resources)
    {
        var owners = resources.OfType<ProjectResource>()
            .SelectMany(p => References(p).OfType<PostgresDatabaseResource>().Select(db => (Database: db, Owner: p)))
            .ToList();
        // A shared database would need a role of its own and grants between services: not something the model has today.
        if (owners.GroupBy(o => o.Database).FirstOrDefault(g => g.Count() > 1) is { } shared)
        {
            throw new DistributedApplicationException(
                $"Database '{shared.Key.Name}' is referenced by {string.Join(", ", shared.Select(o => o.Owner.Name))}; the compose publisher gives each database to one service.");
        }

        return owners;
    }

    /// <summary>The PostgreSQL login role of a service: its name, as an identifier that needs no quoting.</summary>
    public static string DatabaseRole(ProjectResource project)
    {
        var role = project.Name.Replace('-', '_').ToLowerInvariant();
        return role.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_') && char.IsAsciiLetterLower(role[0])
            ? role
            : throw new DistributedApplicationException($"'{project.Name}' does not make a plain PostgreSQL role name.");
    }

    public static string RolePasswordKey(ProjectResource project) => $"POSTGRES_{DatabaseRole(project).ToUpperInvariant()}_PASSWORD";

    /// <summary>What the resource connects to. A parameter it references is the value of a setting (<see cref="ComposeSettings"/>), not a connection.</summary>
    public static IEnumerable<IResource> References(IResource resource) => resource.Annotations
        .OfType<ResourceRelationshipAnnotation>()
        .Where(a => a.Type == "Reference" && a.Resource is not ParameterResource)
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

    /// <summary>The endpoints published on a host port: compose runs one container of such a service, never more.</summary>
    public static IReadOnlyList<EndpointAnnotation> PublishedEndpoints(IResource resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.IsExternal && e.Port is not null).ToList();

    public static int TargetPort(EndpointReference endpoint) =>
        endpoint.EndpointAnnotation.TargetPort ?? throw new DistributedApplicationException($"Endpoint '{endpoint.EndpointName}' of '{endpoint.Resource.Name}' has no target port.");
}
