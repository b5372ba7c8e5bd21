using System.Globalization;

namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>Runs <c>dotnet &lt;project&gt;.dll</c> per replica with Aspire's environment contract.</summary>
internal sealed class ProjectRunner : ProcessResourceRunner
{
    private readonly ProjectResource _project;
    private readonly int[] _ports;

    public ProjectRunner(ProjectResource project, RunnerContext context)
        : base(project, "Project", project.Replicas, context)
    {
        _project = project;
        _ports = Enumerable.Range(0, project.Replicas)
            .Select(i => i == 0 && project.HttpPort is > 0 ? project.HttpPort.Value : context.Ports.Allocate())
            .ToArray();
    }

    public int ReplicaCount => _ports.Length;

    /// <summary>
    /// The project's own build output, or the same assembly in <see cref="AppHostSettings.ProjectBinariesDirectory"/>
    /// (the SDK copies a referenced app's deps.json and runtimeconfig.json beside it, so it runs from there).
    /// </summary>
    private string[] HostArguments(string dll, string assemblyName) =>
        Context.Settings.ProjectBinariesDirectory is { } binaries
            ? [Path.Combine(binaries, assemblyName + ".dll")]
            : [dll];

    public override Uri GetEndpoint(int replica) =>
        new(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_ports[replica]}"));

    protected override async Task<ProcessSpec> CreateProcessSpecAsync(int replica, CancellationToken cancellationToken)
    {
        var projectPath = _project.Metadata.ProjectPath;
        var projectDir = Path.GetDirectoryName(projectPath)!;
        var assemblyName = Path.GetFileNameWithoutExtension(projectPath);
        var dll = Path.Combine(projectDir, "bin", BuildInfo.Configuration, BuildInfo.TargetFramework, assemblyName + ".dll");
        if (!File.Exists(dll))
        {
            throw new DistributedApplicationException(
                $"{dll} does not exist. Build it first: dotnet build Gozon.AppHost -c {BuildInfo.Configuration}");
        }

        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["ASPNETCORE_URLS"] = GetEndpoint(replica).ToString().TrimEnd('/'),
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
            ["OTEL_SERVICE_NAME"] = _project.Name,
            ["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={_project.Name}-{replica}",
            ["OTEL_BLRP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "1000",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "1000",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = null,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = null,
            ["ASPNETCORE_HTTP_PORTS"] = null,
            ["ASPNETCORE_HTTPS_PORTS"] = null,
        };

        var otlp = Context.Settings.OtlpEndpoint ?? Context.Runners.DashboardOtlpEndpoint;
        if (otlp is not null)
        {
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = Context.Settings.OtlpProtocol;
        }

        foreach (var reference in _project.References)
        {
            var runner = Context.Runners.Get(reference.Name);
            if (reference is IResourceWithConnectionString)
            {
                environment[$"ConnectionStrings__{reference.Name}"] =
                    await runner.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
            }
            else if (runner is ProjectRunner referenced)
            {
                for (var i = 0; i < referenced.ReplicaCount; i++)
                {
                    environment[string.Create(CultureInfo.InvariantCulture, $"services__{reference.Name}__http__{i}")] =
                        referenced.GetEndpoint(i).ToString().TrimEnd('/');
                }
            }
        }

        foreach (var (variable, value) in Context.Settings.ProjectEnvironment.GetValueOrDefault(_project.Name) ?? new Dictionary<string, string>())
        {
            environment[variable] = value;
        }

        return new ProcessSpec(DotnetHost.Path, HostArguments(dll, assemblyName), projectDir) { Environment = environment };
    }

    protected override async Task<bool> ProbeAsync(int replica, CancellationToken cancellationToken)
    {
        var client = Context.HttpClientFactory.CreateClient(nameof(ProjectRunner));
        using var response = await client.GetAsync(new Uri(GetEndpoint(replica), "/health"), cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode;
    }
}
