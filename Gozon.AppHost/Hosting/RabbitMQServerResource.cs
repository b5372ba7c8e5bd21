namespace Gozon.AppHost.Hosting;

/// <summary>A RabbitMQ broker; its connection string is an <c>amqp://</c> URI.</summary>
public sealed class RabbitMQServerResource(string name) : Resource(name), IResourceWithConnectionString
{
}
