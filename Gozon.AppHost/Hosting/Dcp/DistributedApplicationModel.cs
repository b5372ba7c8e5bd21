namespace Gozon.AppHost.Hosting.Dcp;

/// <summary>The resources as configured by the builder (replica counts resolved).</summary>
internal sealed class DistributedApplicationModel(IReadOnlyList<IResource> resources)
{
    public IReadOnlyList<IResource> Resources { get; } = resources;
}
