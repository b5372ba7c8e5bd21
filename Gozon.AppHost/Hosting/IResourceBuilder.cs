namespace Gozon.AppHost.Hosting;

/// <summary>Fluent handle on a resource added to an <see cref="IDistributedApplicationBuilder"/>.</summary>
public interface IResourceBuilder<out T> where T : IResource
{
    T Resource { get; }

    IDistributedApplicationBuilder ApplicationBuilder { get; }
}
