using System.Net;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.EndToEnd;

[Collection(GozonSystemCollection.Name)]
public sealed class OrderFlowTests(GozonAppFixture system)
{
    private readonly GozonApi _api = new(system.Gateway);

    [Fact]
    public async Task An_order_the_balance_covers_is_finished_and_debited_once()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 100);

        var placed = await _api.PlaceOrderAsync(user, 60.25m, "a lamp");
        Assert.Equal("New", placed.Status);
        Assert.Equal(user, placed.UserId);
        Assert.Equal(60.25m, placed.Amount);
        Assert.Equal("a lamp", placed.Description);

        var paid = await _api.WaitForFinalStatusAsync(user, placed.Id);
        Assert.Equal("Finished", paid.Status);
        Assert.Null(paid.FailureReason);
        Assert.True(paid.UpdatedAt >= paid.CreatedAt);
        Assert.Equal(39.75m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Fact]
    public async Task An_order_beyond_the_balance_is_cancelled_and_nothing_is_debited()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 10);

        var placed = await _api.PlaceOrderAsync(user, 10.01m);

        var cancelled = await _api.WaitForFinalStatusAsync(user, placed.Id);
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal("InsufficientFunds", cancelled.FailureReason);
        Assert.Equal(10m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Fact]
    public async Task An_order_of_a_user_without_account_is_cancelled_with_account_not_found()
    {
        var user = system.NewUserId();

        var placed = await _api.PlaceOrderAsync(user, 5);

        var cancelled = await _api.WaitForFinalStatusAsync(user, placed.Id);
        Assert.Equal("Cancelled", cancelled.Status);
        Assert.Equal("AccountNotFound", cancelled.FailureReason);
    }

    [Fact]
    public async Task Another_users_order_answers_404_like_a_missing_one()
    {
        var owner = system.NewUserId();
        var stranger = system.NewUserId();
        var order = await _api.PlaceOrderAsync(owner, 5);

        using var foreign = await _api.GetOrderResponseAsync(stranger, order.Id);
        using var missing = await _api.GetOrderResponseAsync(stranger, Guid.NewGuid());

        Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", foreign.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, (await _api.GetOrderResponseAsync(owner, order.Id)).StatusCode);
    }

    [Fact]
    public async Task The_order_list_holds_only_the_callers_orders_newest_first()
    {
        var alice = system.NewUserId();
        var bob = system.NewUserId();
        var first = await _api.PlaceOrderAsync(alice, 1, "first");
        var second = await _api.PlaceOrderAsync(alice, 2, "second");
        var bobs = await _api.PlaceOrderAsync(bob, 3, "bob's");

        var alicesOrders = await _api.ListOrdersAsync(alice);
        var bobsOrders = await _api.ListOrdersAsync(bob);

        Assert.Equal([second.Id, first.Id], alicesOrders.Select(o => o.Id));
        Assert.Equal([bobs.Id], bobsOrders.Select(o => o.Id));
        Assert.Empty(await _api.ListOrdersAsync(system.NewUserId()));
    }

    [Fact]
    public async Task Fifty_concurrent_orders_against_a_balance_for_33_pay_exactly_33()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 330);

        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => _api.PlaceOrderAsync(user, 10, $"order {i}")));

        var orders = await _api.WaitForAllFinalAsync(user, 50);
        Assert.Equal(33, orders.Count(o => o.Status == "Finished"));
        Assert.Equal(17, orders.Count(o => o.Status == "Cancelled" && o.FailureReason == "InsufficientFunds"));
        Assert.Equal(0m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Fact]
    public async Task A_burst_across_replicas_pays_every_order_exactly_once()
    {
        var payments = new PaymentsDatabase(await system.GetConnectionStringAsync("payments-db"));
        var users = Enumerable.Range(0, 8).Select(_ => system.NewUserId()).ToList();
        await Task.WhenAll(users.Select(u => _api.OpenAccountWithAsync(u, 100)));

        var placed = await Task.WhenAll(users.SelectMany(u => Enumerable.Range(0, 5).Select(i => _api.PlaceOrderAsync(u, 7.5m, $"burst {i}"))));

        foreach (var user in users)
        {
            var orders = await _api.WaitForAllFinalAsync(user, 5);
            Assert.All(orders, o => Assert.Equal("Finished", o.Status));
            Assert.Equal(100m - 5 * 7.5m, (await _api.GetBalanceAsync(user)).Balance);
        }

        foreach (var order in placed)
        {
            Assert.Equal(1, await payments.PaymentsForOrderAsync(order.Id));
        }
    }
}
