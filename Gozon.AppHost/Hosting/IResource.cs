namespace Gozon.AppHost.Hosting;

/// <summary>Anything the AppHost runs or connects to.</summary>
public interface IResource
{
    string Name { get; }
}
