using Gozon.AppHost.Hosting;

namespace Projects;

/// <summary>Hand-written stand-in for Aspire's generated project metadata.</summary>
public sealed class Gozon_Payments : IProjectMetadata
{
    public string ProjectPath { get; } =
        Path.Combine(BuildInfo.RepositoryRoot, "Gozon.Payments", "Gozon.Payments.csproj");
}
