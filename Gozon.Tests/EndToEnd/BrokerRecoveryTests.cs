using Gozon.Messaging;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Outbox;
using Gozon.ServiceDefaults.Faults;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gozon.Tests.EndToEnd;

/// <summary>
/// A network failure between a service and the broker, made by a proxy that resets the connection: the client's
/// automatic recovery reconnects and reopens each channel, and the messaging library must leave that to it.
/// Counting the channels the client opens on the new connection shows whether it opened a second one as well.
/// </summary>
[Collection(GozonSystemCollection.Name)]
public sealed class BrokerRecoveryTests(GozonAppFixture system) : IAsyncLifetime
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);
    private readonly IOptions<MessagingOptions> _options = Options.Create(new MessagingOptions());
    private BrokerClient _broker = null!;
    private AmqpCuttingProxy _proxy = null!;
    private IConfiguration _configuration = null!;
    private BrokerConnections _connection = null!;

    public async Task InitializeAsync()
    {
        var brokerUri = await system.GetRabbitMqConnectionStringAsync();
        _broker = await BrokerClient.ConnectAsync(brokerUri);
        _proxy = AmqpCuttingProxy.Start(brokerUri);
        _configuration = BrokerConfiguration.For(_proxy.Uri.ToString());
        _connection = new BrokerConnections(BrokerConfiguration.ConnectionFactory(_configuration), _options, NullLogger<RabbitMqConnection>.Instance);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _proxy.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Fact]
    public async Task After_a_dropped_connection_the_outbox_sender_waits_for_recovery_and_keeps_one_channel()
    {
        await using var sender = new OutboxBrokerSender(_connection, new DuplicatePublishing(_configuration), TimeProvider.System, _options);
        var type = $"RecoveryProbe{Guid.NewGuid():N}";
        var tap = await _broker.TapAsync(type);
        Assert.All(await sender.SendAsync([Probe(type, "before")], CancellationToken.None), Assert.Null);

        await DropConnectionAsync();
        var afterDrop = await sender.SendAsync([Probe(type, "after")], CancellationToken.None).WaitAsync(RecoveryTimeout);

        Assert.All(afterDrop, Assert.Null);
        Assert.Equal(2, _proxy.Connections.Count);
        Assert.Equal(1, _proxy.Connections[1].OpenChannels);
        Assert.NotNull(await _broker.TakeTappedAsync(tap, type, "before"));
        Assert.NotNull(await _broker.TakeTappedAsync(tap, type, "after"));
    }

    [Fact]
    public async Task After_a_dropped_connection_a_consumer_keeps_the_one_channel_recovery_restores()
    {
        var queue = await _broker.DeclareScratchQueueAsync();
        await using var services = new ServiceCollection().BuildServiceProvider();
        var dispatcher = new MessageDispatcher(services.GetRequiredService<IServiceScopeFactory>(), [], new FailingHandlers(_configuration), TimeProvider.System,
            _options, NullLogger<MessageDispatcher>.Instance);
        await using var forwarder = new DeliveryForwarder(_connection, TimeProvider.System, _options);
        using var consumer = new QueueConsumer(queue, _connection, dispatcher, forwarder, TimeProvider.System,
            new CrashPoints(_configuration, NullLogger<CrashPoints>.Instance), _options, NullLogger<QueueConsumer>.Instance);
        await consumer.StartAsync(CancellationToken.None);
        await Eventually.UntilAsync(() => _broker.ConsumerCountAsync(queue), count => count == 1, "the consumer to subscribe");

        await DropConnectionAsync();
        await Eventually.UntilAsync(() => _broker.ConsumerCountAsync(queue), count => count == 1 && _connection.Consuming.IsOpen,
            "recovery to subscribe the consumer again", RecoveryTimeout);

        // The consumer looks at its channel every 2 s: a wrong decision would open a second channel (and consumer)
        // within that time.
        await Consistently.HoldsAsync(
            async () => (Channels: _proxy.Connections[^1].OpenChannels, Consumers: await _broker.ConsumerCountAsync(queue)),
            state => state is { Channels: 1, Consumers: 1 }, "one channel and one consumer on the recovered connection",
            TimeSpan.FromSeconds(5));
        Assert.Equal(2, _proxy.Connections.Count);
        await consumer.StopAsync(CancellationToken.None);
    }

    private async Task DropConnectionAsync()
    {
        _proxy.CutAll();
        await Eventually.UntilAsync(() => Task.FromResult(_connection.Publishing.IsOpen || _connection.Consuming.IsOpen), open => !open,
            "the client to notice the drop");
    }

    private static PendingOutboxMessage Probe(string type, string correlationId) =>
        new(Guid.NewGuid(), type, correlationId, "{}", null, null, DateTimeOffset.UtcNow, 0);
}
