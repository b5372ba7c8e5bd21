using System.Globalization;
using Gozon.AppHost.Lifecycle;
using static Gozon.AppHost.Publishing.ComposeModel;
using static Gozon.AppHost.Publishing.YamlWriter;

namespace Gozon.AppHost.Publishing;

/// <summary>One compose service per resource of Aspire's model; what compose needs and Aspire's model does not say is here.</summary>
internal static class ComposeServices
{
    public const string PostgresPasswordKey = "POSTGRES_PASSWORD";
    public const string RabbitMQPasswordKey = "RABBITMQ_PASSWORD";
    public const string RabbitMQServicesPasswordKey = "RABBITMQ_SERVICES_PASSWORD";
    public const string DashboardName = "dashboard";
    // Aspire 13.6's own dashboard; the model has no resource for it in publish mode.
    public const string DashboardImage = "mcr.microsoft.com/dotnet/aspire-dashboard:13.6";
    public const int DashboardOtlpGrpcPort = 18889;
    public const int ContainerHttpPort = 8080;
    // Not Aspire's guest: RabbitMQ lets guest in from localhost only unless the image's configuration says otherwise.
    // The image's default user, an administrator: for operators (management UI, rabbitmqctl), never for the services.
    public const string RabbitMQUser = "gozon";
    // What Orders and Payments connect as: no tags (no management, not an administrator), Gozon's names only.
    public const string RabbitMQServicesUser = "gozon-services";
    private const string HealthPath = "/health";

    public static string VolumeName(IResource resource) => $"{resource.Name}-data";

    public static async Task WritePostgresAsync(
        YamlWriter y, PostgresServerResource postgres, IEnumerable<ProjectResource> owners, CancellationToken cancellationToken)
    {
        y.Line(1, $"{postgres.Name}:").Line(2, $"image: {Quote(Image(postgres))}");
        var args = await ArgumentsAsync(postgres, cancellationToken).ConfigureAwait(false);
        if (args.Count > 0)
        {
            y.Line(2, $"command: [{string.Join(", ", args.Select(Quote))}]");
        }

        y.Line(2, "environment:")
            .Line(3, $"POSTGRES_USER: {Quote(PostgresUser(postgres))}")
            .Line(3, $"POSTGRES_PASSWORD: '${{{PostgresPasswordKey}:?set it in .env}}'");
        // For the init script, which creates each service's role with its password.
        foreach (var owner in owners)
        {
            y.Line(3, $"{RolePasswordKey(owner)}: '${{{RolePasswordKey(owner)}:?set it in .env}}'");
        }

        y.Line(2, "volumes:");
        WriteDataVolume(y, postgres);
        y.Line(3, $"- {Quote("./postgres-init:/docker-entrypoint-initdb.d:ro")}");
        // TCP, not the socket: the image's init-time server listens on the socket only, so this turns
        // healthy only after the init script has created the databases and the server restarted.
        var lastDatabase = postgres.Databases.Count > 0 ? postgres.Databases.Values.Last() : "postgres";
        WriteHealthcheck(y, ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", PostgresUser(postgres), "-d", lastDatabase], "2s", "30s");
        y.Line(2, "restart: unless-stopped");
    }

    public static void WriteRabbitMQ(YamlWriter y, RabbitMQServerResource rabbitmq)
    {
        y.Line(1, $"{rabbitmq.Name}:")
            .Line(2, $"image: {Quote(Image(rabbitmq))}")
            // The node name (rabbit@<hostname>) names the data folder: a fixed hostname keeps the data across re-creation.
            .Line(2, $"hostname: {Quote(rabbitmq.Name)}")
            .Line(2, "environment:")
            .Line(3, $"RABBITMQ_DEFAULT_USER: {Quote(RabbitMQUser)}")
            .Line(3, $"RABBITMQ_DEFAULT_PASS: '${{{RabbitMQPasswordKey}:?set it in .env}}'")
            .Line(3, $"{RabbitMQServicesPasswordKey}: '${{{RabbitMQServicesPasswordKey}:?set it in .env}}'")
            // The image's entrypoint runs any other command as given: the script starts the broker through it.
            .Line(2, $"command: ['bash', {Quote(ComposeInitScripts.RabbitMQBootPath)}]");
        if (rabbitmq.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Name == "management") is { TargetPort: { } management })
        {
            y.Line(2, "ports:").Line(3, $"- '127.0.0.1:{management}:{management}' # management UI");
        }

        y.Line(2, "volumes:");
        WriteDataVolume(y, rabbitmq);
        y.Line(3, $"- {Quote($"./{ComposeInitScripts.RabbitMQInitFolder}:{ComposeInitScripts.RabbitMQBootFolder}:ro")}");
        // Healthy only once the services' user is there: on a fresh volume the services would otherwise be refused.
        WriteHealthcheck(y,
            ["CMD", "bash", "-c", $"test -f {ComposeInitScripts.RabbitMQReadyFile} && rabbitmq-diagnostics -q check_port_connectivity"],
            "3s", "60s");
        y.Line(2, "restart: unless-stopped");
    }

    public static void WriteProject(
        YamlWriter y, ProjectResource project, IReadOnlyDictionary<string, string> poolSettings, IReadOnlyList<(string Key, object Value)> settings)
    {
        var name = project.Name;
        y.Line(1, $"{name}:")
            .Line(2, "build:")
            .Line(3, "context: '..'")
            .Line(3, $"dockerfile: {Quote($"deploy/{name}.Dockerfile")}")
            .Line(2, $"image: {Quote($"gozon/{name}:latest")}")
            .Line(2, "environment:")
            .Line(3, "ASPNETCORE_ENVIRONMENT: 'Production'")
            .Line(3, $"ASPNETCORE_HTTP_PORTS: {Quote(Invariant(ContainerHttpPort))}");
        foreach (var reference in References(project))
        {
            var (key, value) = ReferenceVariable(project, reference);
            y.Line(3, $"{key}: {Quote(value)}");
        }

        foreach (var (key, value) in poolSettings.Concat(ServiceRuntime.Environment))
        {
            y.Line(3, $"{key}: {Quote(value)}");
        }

        foreach (var (key, value) in settings)
        {
            y.Line(3, $"{key}: {Quote(ComposeSettings.ComposeValue(key, value))}");
        }

        y.Line(3, $"OTEL_SERVICE_NAME: {Quote(name)}")
            .Line(3, $"OTEL_EXPORTER_OTLP_ENDPOINT: {Quote($"http://{DashboardName}:{DashboardOtlpGrpcPort}")}")
            .Line(3, "OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc'")
            .Line(3, "OTEL_BLRP_SCHEDULE_DELAY: '1000'")
            .Line(3, "OTEL_BSP_SCHEDULE_DELAY: '1000'")
            .Line(3, "OTEL_METRIC_EXPORT_INTERVAL: '1000'");
        var published = PublishedEndpoints(project);
        if (published.Count > 0)
        {
            y.Line(2, "ports:");
            foreach (var endpoint in published)
            {
                y.Line(3, $"- {Quote(Invariant($"{endpoint.Port}:{ContainerHttpPort}"))}");
            }
        }

        if (project.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) && replicas.Replicas > 1)
        {
            // A host port can be published by one container only.
            if (published.Count > 0)
            {
                throw new DistributedApplicationException($"'{name}' publishes a host port; compose cannot run {replicas.Replicas} replicas of it.");
            }

            y.Line(2, Invariant($"scale: {replicas.Replicas}"));
        }

        y.Line(2, "depends_on:");
        foreach (var wait in project.Annotations.OfType<WaitAnnotation>().DistinctBy(w => Service(w.Resource).Name))
        {
            y.Line(3, $"{Service(wait.Resource).Name}:").Line(4, $"condition: {Condition(wait.WaitType)}");
        }

        y.Line(3, $"{DashboardName}:").Line(4, "condition: service_started");
        // bash's /dev/tcp: the aspnet image has bash but no curl/wget; 'dotnet' cannot fetch a URL by itself.
        WriteHealthcheck(y,
            ["CMD", "bash", "-c", $"exec 3<>/dev/tcp/127.0.0.1/{ContainerHttpPort} && printf 'GET {HealthPath} HTTP/1.0\\r\\n\\r\\n' >&3 && head -n1 <&3 | grep -q ' 200 '"],
            "3s", "90s");
        if (project.TryGetLastAnnotation<RestartPolicyAnnotation>(out _))
        {
            y.Line(2, "restart: unless-stopped");
        }
    }

    public static void WriteDashboard(YamlWriter y) => y
        .Line(1, $"{DashboardName}:")
        .Line(2, $"image: {Quote(DashboardImage)}")
        .Line(2, "environment:")
        .Line(3, "DASHBOARD__FRONTEND__AUTHMODE: 'Unsecured'")
        .Line(3, "DASHBOARD__OTLP__AUTHMODE: 'Unsecured'")
        // The telemetry HTTP API (/api/telemetry/...) lets deploy/smoke.sh see that spans arrive; the UI port is bound to localhost only.
        .Line(3, "DASHBOARD__API__ENABLED: 'true'")
        .Line(3, "DASHBOARD__API__AUTHMODE: 'Unsecured'")
        .Line(2, "ports:")
        .Line(3, $"- '127.0.0.1:18888:18888' # UI and telemetry API; OTLP/gRPC on {DashboardOtlpGrpcPort} inside the network only")
        .Line(2, "restart: unless-stopped");

    private static void WriteDataVolume(YamlWriter y, IResource resource)
    {
        foreach (var mount in resource.Annotations.OfType<ContainerMountAnnotation>().Where(m => m.Type == ContainerMountType.Volume))
        {
            y.Line(3, $"- {Quote($"{VolumeName(resource)}:{mount.Target}")}");
        }
    }

    private static void WriteHealthcheck(YamlWriter y, string[] test, string interval, string startPeriod) => y
        .Line(2, "healthcheck:")
        .Line(3, $"test: [{string.Join(", ", test.Select(Quote))}]")
        .Line(3, $"interval: {interval}")
        .Line(3, "timeout: 10s")
        .Line(3, "retries: 10")
        .Line(3, $"start_period: {startPeriod}");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);
}
