using System.Diagnostics;
using System.Text.Json;
using Gozon.Messaging.Broker;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.EndToEnd;

/// <summary>The broker side: duplicates have one effect, poison goes to the dead-letter queue and never blocks.</summary>
[Collection(GozonSystemCollection.Name)]
public sealed class MessagingTests(GozonAppFixture system) : IAsyncLifetime
{
    private static readonly TimeSpan QuietWindow = TimeSpan.FromSeconds(1.5);
    private readonly GozonApi _api = new(system.Gateway);
    private BrokerClient _broker = null!;
    private PaymentsDatabase _payments = null!;

    public async Task InitializeAsync()
    {
        _broker = await BrokerClient.ConnectAsync(await system.GetConnectionStringAsync("rabbitmq"));
        _payments = new PaymentsDatabase(await system.GetConnectionStringAsync("payments-db"));
    }

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task PayOrder_delivered_again_with_the_same_or_another_message_id_debits_once()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 100);
        var order = await _api.PlaceOrderAsync(user, 10);
        Assert.Equal("Finished", (await _api.WaitForFinalStatusAsync(user, order.Id)).Status);

        var payOrder = JsonSerializer.Serialize(new { orderId = order.Id, userId = user, amount = 10m });
        var sameId = Guid.NewGuid();
        var otherId = Guid.NewGuid();
        await _broker.PublishAsync("PayOrder", payOrder, sameId, order.Id.ToString());
        await _broker.PublishAsync("PayOrder", payOrder, sameId, order.Id.ToString());
        await _broker.PublishAsync("PayOrder", payOrder, otherId, order.Id.ToString());

        await Eventually.UntilAsync(async () => await _payments.InboxRowsAsync(sameId) + await _payments.InboxRowsAsync(otherId),
            n => n == 2, "both message ids to be recorded in the inbox");
        await Eventually.UntilAsync(() => _broker.ReadyCountAsync(BrokerTopology.PayOrderQueue), n => n == 0, "the PayOrder queue to drain");
        await Consistently.HoldsAsync(() => _api.GetBalanceAsync(user), a => a.Balance == 90m, "the balance to stay debited once", QuietWindow);
        Assert.Equal(1, await _payments.PaymentsForOrderAsync(order.Id));
        Assert.Equal("Finished", (await _api.GetOrderAsync(user, order.Id)).Status);
    }

    [Fact]
    public async Task A_payment_result_delivered_twice_changes_the_order_once()
    {
        var user = system.NewUserId();
        var order = await _api.PlaceOrderAsync(user, 10); // no account: it ends Cancelled
        var cancelled = await _api.WaitForFinalStatusAsync(user, order.Id);
        Assert.Equal("AccountNotFound", cancelled.FailureReason);

        var succeeded = JsonSerializer.Serialize(new { orderId = order.Id });
        var messageId = Guid.NewGuid();
        await _broker.PublishAsync("PaymentSucceeded", succeeded, messageId, order.Id.ToString());
        await _broker.PublishAsync("PaymentSucceeded", succeeded, messageId, order.Id.ToString());
        await _broker.PublishAsync("PaymentSucceeded", succeeded, Guid.NewGuid(), order.Id.ToString());

        await Eventually.UntilAsync(() => _broker.ReadyCountAsync(BrokerTopology.PaymentResultsQueue), n => n == 0, "the results queue to drain");
        await Consistently.HoldsAsync(() => _api.GetOrderAsync(user, order.Id), o => o == cancelled,
            "the order to stay as it was", QuietWindow);
    }

    [Fact]
    public async Task One_trace_and_one_envelope_run_from_the_request_through_payment_and_back()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 50);
        var tap = await _broker.TapAsync("PayOrder", "PaymentSucceeded");
        var traceId = ActivityTraceId.CreateRandom();

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/orders", user, """{"amount":5,"description":"traced"}""",
            headers: new() { ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom()}-01" });
        var order = await GozonApi.ReadAsync<OrderDto>(response, System.Net.HttpStatusCode.Accepted);

        var payOrder = await Eventually.UntilAsync(() => _broker.TakeTappedAsync(tap, "PayOrder", order.Id.ToString()),
            m => m is not null, "the PayOrder command on the broker");
        var result = await Eventually.UntilAsync(() => _broker.TakeTappedAsync(tap, "PaymentSucceeded", order.Id.ToString()),
            m => m is not null, "the PaymentSucceeded event on the broker");
        foreach (var message in new[] { payOrder!, result! })
        {
            Assert.True(Guid.TryParse(message.MessageId, out _), $"{message.Type} has a message id");
            Assert.True(message.Persistent, $"{message.Type} is persistent");
            Assert.StartsWith($"00-{traceId}-", message.TraceParent);
        }

        using var body = JsonDocument.Parse(payOrder!.Body);
        Assert.Equal(order.Id, body.RootElement.GetProperty("orderId").GetGuid());
        Assert.Equal(user, body.RootElement.GetProperty("userId").GetString());
        Assert.Equal(5m, body.RootElement.GetProperty("amount").GetDecimal());
        Assert.Equal("Finished", (await _api.WaitForFinalStatusAsync(user, order.Id)).Status);
    }

    [Theory]
    [MemberData(nameof(PoisonMessages.Names), MemberType = typeof(PoisonMessages))]
    public async Task A_poison_message_is_dead_lettered_with_its_reason_and_the_next_order_is_still_paid(string poisonName)
    {
        var poison = PoisonMessages.Named(poisonName);
        var id = await _broker.PublishAsync(poison);

        var deadLetter = await Eventually.UntilAsync(() => _broker.TakeDeadLetterAsync(poison.Queue, id),
            d => d is not null, $"the message ({poison.Name}) in the dead-letter queue");
        Assert.Equal(poison.Body.Replace("{id}", id.ToString()), deadLetter!.Body);
        Assert.Contains(poison.ReasonContains, deadLetter.Reason);
        Assert.Equal(poison.Queue, deadLetter.FromQueue);

        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 10);
        var order = await _api.PlaceOrderAsync(user, 10);
        Assert.Equal("Finished", (await _api.WaitForFinalStatusAsync(user, order.Id)).Status);
    }
}
