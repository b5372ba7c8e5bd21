namespace Gozon.Testing;

/// <summary>Where the repository is, found from the running harness's own folder.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot(AppContext.BaseDirectory);

    private static string FindRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Gozon.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"Gozon.sln was not found above {start}.");
    }
}
