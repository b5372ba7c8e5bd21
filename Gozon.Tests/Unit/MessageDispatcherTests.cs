using System.Text;
using Gozon.Messaging;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gozon.Tests.Unit;

/// <summary>What the dispatcher decides for a delivery, with a handler that always fails for a reason of its own.</summary>
public sealed class MessageDispatcherTests
{
    private readonly MessageDispatcher _dispatcher;

    public MessageDispatcherTests()
    {
        var services = new ServiceCollection().AddScoped<IMessageHandler<PaymentSucceeded>, AlwaysFailingHandler>().BuildServiceProvider();
        _dispatcher = new MessageDispatcher(services.GetRequiredService<IServiceScopeFactory>(),
            [MessageHandlerRegistration.For<PaymentSucceeded>()], TimeProvider.System,
            Options.Create(new MessagingOptions()), NullLogger<MessageDispatcher>.Instance);
    }

    [Fact]
    public async Task A_failing_handler_requeues_while_deliveries_are_left()
    {
        var result = await _dispatcher.DispatchAsync("q", Envelope("PaymentSucceeded", deliveryCount: 0), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.Requeue, result.Outcome);
    }

    [Fact]
    public async Task A_failing_handler_on_the_last_delivery_dead_letters_with_the_exception_as_reason()
    {
        var envelope = Envelope("PaymentSucceeded", deliveryCount: BrokerTopology.DeliveryLimit - 1);

        var result = await _dispatcher.DispatchAsync("q", envelope, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.DeadLetter, result.Outcome);
        Assert.Contains($"each of {BrokerTopology.DeliveryLimit} deliveries", result.Reason);
        Assert.Contains("InvalidOperationException: the database said no", result.Reason);
    }

    [Theory]
    [InlineData("RefundOrder", "unknown message type 'RefundOrder'")]
    [InlineData("PaymentSucceeded", "body is not a valid PaymentSucceeded")]
    public async Task A_message_no_handler_can_take_is_dead_lettered_at_once_with_the_reason(string type, string reason)
    {
        var result = await _dispatcher.DispatchAsync("q", Envelope(type, deliveryCount: 0, body: "{}"), CancellationToken.None);

        Assert.Equal(DeliveryOutcome.DeadLetter, result.Outcome);
        Assert.Contains(reason, result.Reason);
    }

    private static IncomingMessage Envelope(string type, long deliveryCount, string? body = null) =>
        new(Guid.NewGuid(), type, null, null, null, deliveryCount,
            Encoding.UTF8.GetBytes(body ?? $$"""{"orderId":"{{Guid.NewGuid()}}"}"""));

    private sealed class AlwaysFailingHandler : IMessageHandler<PaymentSucceeded>
    {
        public Task HandleAsync(PaymentSucceeded message, IncomingMessage envelope, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the database said no");
    }
}
