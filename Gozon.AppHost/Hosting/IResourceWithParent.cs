namespace Gozon.AppHost.Hosting;

/// <summary>A resource that lives inside another one (a database inside a server).</summary>
public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}
