namespace Gozon.AppHost.Hosting.Dcp;

internal interface IResourceRunnerLookup
{
    ResourceRunner Get(string resourceName);

    /// <summary>OTLP endpoint of a dashboard started by the AppHost (Container mode), if any.</summary>
    string? DashboardOtlpEndpoint { get; }
}
