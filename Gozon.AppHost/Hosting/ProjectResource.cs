namespace Gozon.AppHost.Hosting;

/// <summary>A .NET project run as <c>dotnet &lt;dll&gt;</c>, one process per replica.</summary>
public sealed class ProjectResource(string name, IProjectMetadata metadata) : Resource(name)
{
    public IProjectMetadata Metadata { get; } = metadata;

    public int Replicas { get; internal set; } = 1;

    /// <summary>Fixed HTTP port of replica 0; <c>null</c> or 0 means "pick a free port".</summary>
    public int? HttpPort { get; internal set; }
}
