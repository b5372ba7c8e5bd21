using System.Reflection;

namespace Gozon.AppHost.Hosting;

/// <summary>Repository root and build configuration baked into the AppHost assembly by MSBuild.</summary>
public static class BuildInfo
{
    public static string RepositoryRoot => Read("Gozon.RepositoryRoot");

    public static string Configuration => Read("Gozon.Configuration");

    public static string TargetFramework => Read("Gozon.TargetFramework");

    private static string Read(string key) =>
        typeof(BuildInfo).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == key)?.Value
        ?? throw new InvalidOperationException($"Assembly metadata '{key}' is missing from Gozon.AppHost.");
}
