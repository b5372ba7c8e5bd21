using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Gozon.Messaging.Broker;

/// <summary>
/// The service's two AMQP connections. A broker under a memory or disk alarm blocks every connection that publishes,
/// so publishing (the outbox, retries and dead letters) has a connection of its own: the consumers' connection only
/// receives and acks, and keeps settling deliveries through an alarm.
/// </summary>
public sealed class BrokerConnections(
    IConnectionFactory factory, IOptions<MessagingOptions> options, ILogger<RabbitMqConnection> logger) : IAsyncDisposable
{
    public RabbitMqConnection Publishing { get; } = new(factory, "publish", options.Value, logger);

    public RabbitMqConnection Consuming { get; } = new(factory, "consume", options.Value, logger);

    public async ValueTask DisposeAsync()
    {
        await Consuming.DisposeAsync();
        await Publishing.DisposeAsync();
    }
}
