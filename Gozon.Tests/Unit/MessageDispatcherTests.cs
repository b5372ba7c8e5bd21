using System.Text;
using Gozon.Messaging;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Gozon.ServiceDefaults.Faults;
using Microsoft.Extensions.Configuration;
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
            [MessageHandlerRegistration.For<PaymentSucceeded>()], new FailingHandlers(new ConfigurationBuilder().Build()), TimeProvider.System,
            Options.Create(new MessagingOptions()), NullLogger<MessageDispatcher>.Instance);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(1, 2.0)]
    [InlineData(3, 8.0)]
    public async Task A_failing_handler_is_retried_later_with_a_delay_that_doubles_per_failure(int earlierFailures, double seconds)
    {
        var result = await _dispatcher.DispatchAsync("q", Envelope("PaymentSucceeded", deliveryCount: 0, failures: earlierFailures),
            CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryLater, result.Outcome);
        Assert.InRange(result.RetryDelay.TotalSeconds, seconds * 0.9, seconds * 1.1);
    }

    [Fact]
    public async Task Deliveries_that_came_back_unsettled_do_not_count_as_failures()
    {
        var envelope = Envelope("PaymentSucceeded", deliveryCount: BrokerTopology.DeliveryLimit - 1) with { Redeliveries = 30 };

        var result = await _dispatcher.DispatchAsync("q", envelope, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.RetryLater, result.Outcome);
    }

    [Fact]
    public async Task A_failing_handler_on_its_last_attempt_dead_letters_with_the_exception_as_reason()
    {
        var attempts = new MessagingOptions().MaxHandlerAttempts;
        var envelope = Envelope("PaymentSucceeded", deliveryCount: 0, failures: attempts - 1);

        var result = await _dispatcher.DispatchAsync("q", envelope, CancellationToken.None);

        Assert.Equal(DeliveryOutcome.DeadLetter, result.Outcome);
        Assert.Contains($"each of {attempts} attempts", result.Reason);
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

    private static IncomingMessage Envelope(string type, long deliveryCount, string? body = null, int failures = 0) =>
        new(Guid.NewGuid(), type, null, null, null, deliveryCount,
            Encoding.UTF8.GetBytes(body ?? $$"""{"orderId":"{{Guid.NewGuid()}}"}"""), failures);

    private sealed class AlwaysFailingHandler : IMessageHandler<PaymentSucceeded>
    {
        public Task HandleAsync(PaymentSucceeded message, IncomingMessage envelope, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the database said no");
    }
}
