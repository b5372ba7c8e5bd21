namespace Gozon.AppHost.Hosting;

/// <summary>Same shape as Aspire's generated <c>Projects.*</c> metadata.</summary>
public interface IProjectMetadata
{
    /// <summary>Full path of the project's .csproj file.</summary>
    string ProjectPath { get; }
}
