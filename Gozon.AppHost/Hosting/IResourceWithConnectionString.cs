namespace Gozon.AppHost.Hosting;

/// <summary>A resource that is handed to projects as <c>ConnectionStrings__{Name}</c>.</summary>
public interface IResourceWithConnectionString : IResource
{
}
