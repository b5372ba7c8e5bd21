namespace Gozon.AppHost.Testing;

/// <summary>A folder deleted (best effort) when the test application is disposed.</summary>
public sealed class TemporaryDirectory(string path) : IDisposable
{
    public string Path { get; } = path;

    public void Dispose()
    {
        try
        {
            if (Directory.Exists(Path))
            {
                Directory.Delete(Path, recursive: true);
            }
        }
        catch (IOException)
        {
            // A process we could not stop still holds a file; the OS temp cleaner will get it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
