using Gozon.AppHost.Hosting;

namespace Projects;

/// <summary>Hand-written stand-in for Aspire's generated project metadata.</summary>
public sealed class Gozon_Gateway : IProjectMetadata
{
    public string ProjectPath { get; } =
        Path.Combine(BuildInfo.RepositoryRoot, "Gozon.Gateway", "Gozon.Gateway.csproj");
}
