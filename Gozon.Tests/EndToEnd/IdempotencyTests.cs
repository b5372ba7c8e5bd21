using System.Net;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.EndToEnd;

[Collection(GozonSystemCollection.Name)]
public sealed class IdempotencyTests(GozonAppFixture system)
{
    private readonly GozonApi _api = new(system.Gateway);

    [Fact]
    public async Task A_repeated_order_with_the_same_key_returns_the_first_order_and_pays_once()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 100);
        var key = Guid.NewGuid().ToString();

        var first = await _api.PlaceOrderAsync(user, 30, "once", key);
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _api.PlaceOrderAsync(user, 30, "once", key)));

        Assert.All(repeats, r => Assert.Equal(first.Id, r.Id));
        var orders = await _api.WaitForAllFinalAsync(user, 1);
        Assert.Equal("Finished", orders.Single().Status);
        Assert.Equal(70m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Fact]
    public async Task Concurrent_first_requests_with_one_key_create_one_order()
    {
        var user = system.NewUserId();
        var key = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.PlaceOrderAsync(user, 3, "race", key)));

        Assert.Single(results.Select(r => r.Id).Distinct());
        Assert.Single(await _api.ListOrdersAsync(user));
    }

    [Fact]
    public async Task The_same_key_with_another_order_is_422_and_creates_nothing()
    {
        var user = system.NewUserId();
        var key = Guid.NewGuid().ToString();
        await _api.PlaceOrderAsync(user, 3, "first", key);

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/orders", user,
            """{"amount":4,"description":"first"}""", key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Single(await _api.ListOrdersAsync(user));
    }

    [Fact]
    public async Task Keys_are_per_user()
    {
        var alice = system.NewUserId();
        var bob = system.NewUserId();
        var key = Guid.NewGuid().ToString();

        var alices = await _api.PlaceOrderAsync(alice, 3, "mine", key);
        var bobs = await _api.PlaceOrderAsync(bob, 3, "mine", key);

        Assert.NotEqual(alices.Id, bobs.Id);
    }

    [Fact]
    public async Task A_repeated_top_up_with_the_same_key_credits_once_and_returns_the_first_result()
    {
        var user = system.NewUserId();
        await _api.CreateAccountAsync(user);
        var key = Guid.NewGuid().ToString();

        var first = await _api.TopUpAsync(user, 25, key);
        var repeats = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _api.TopUpAsync(user, 25, key)));
        var other = await _api.TopUpAsync(user, 1, Guid.NewGuid().ToString());

        Assert.Equal(25m, first.Balance);
        Assert.All(repeats, r => Assert.Equal(25m, r.Balance));
        Assert.Equal(26m, other.Balance);
        Assert.Equal(26m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Fact]
    public async Task Concurrent_first_top_ups_with_one_key_credit_once()
    {
        var user = system.NewUserId();
        await _api.CreateAccountAsync(user);
        var key = Guid.NewGuid().ToString();

        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => _api.TopUpAsync(user, 10, key)));

        Assert.All(results, r => Assert.Equal(10m, r.Balance));
        Assert.Equal(10m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Fact]
    public async Task The_same_top_up_key_with_another_amount_is_422_and_credits_nothing()
    {
        var user = system.NewUserId();
        await _api.CreateAccountAsync(user);
        var key = Guid.NewGuid().ToString();
        await _api.TopUpAsync(user, 10, key);

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/payments/accounts/topup", user, """{"amount":11}""", key);

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Equal(10m, (await _api.GetBalanceAsync(user)).Balance);
    }
}
