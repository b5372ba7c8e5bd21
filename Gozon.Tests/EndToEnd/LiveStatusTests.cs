using System.Net;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.AspNetCore.SignalR;

namespace Gozon.Tests.EndToEnd;

/// <summary>The live order status hub, through the gateway, with a plain .NET SignalR client.</summary>
[Collection(GozonSystemCollection.Name)]
public sealed class LiveStatusTests(GozonAppFixture system)
{
    private readonly GozonApi _api = new(system.Gateway);

    [Fact]
    public async Task Subscribing_to_an_order_returns_its_current_state_and_then_pushes_its_final_status()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 50);
        await using var subscriber = await OrderStatusSubscriber.ConnectAsync(system.Gateway.BaseAddress!, user, system.App.Shoppers);

        var placed = await _api.PlaceOrderAsync(user, 20, "a kettle");
        var snapshot = await subscriber.SubscribeToOrderAsync(placed.Id);

        Assert.Equal(placed.Id, snapshot.Id);
        Assert.Equal(user, snapshot.UserId);
        Assert.Equal("a kettle", snapshot.Description);
        var final = Assert.Single(await subscriber.WaitForFinalAsync([placed.Id]));
        Assert.Equal("Finished", final.Status);
        Assert.Equal(final, await _api.GetOrderAsync(user, placed.Id));
    }

    [Fact]
    public async Task Subscribing_to_all_my_orders_pushes_new_orders_and_cancellations_with_the_reason()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 10);
        var earlier = await _api.PlaceOrderAsync(user, 1, "before subscribing");
        await using var subscriber = await OrderStatusSubscriber.ConnectAsync(system.Gateway.BaseAddress!, user, system.App.Shoppers);

        var snapshot = await subscriber.SubscribeToMyOrdersAsync();
        var later = await _api.PlaceOrderAsync(user, 100, "beyond the balance");

        Assert.Equal(earlier.Id, Assert.Single(snapshot).Id);
        var finals = await subscriber.WaitForFinalAsync([earlier.Id, later.Id]);
        Assert.Equal("Finished", finals[0].Status);
        Assert.Equal("Cancelled", finals[1].Status);
        Assert.Equal("InsufficientFunds", finals[1].FailureReason);
        // The order placed after subscribing reached the subscriber by push alone. Each push carries the order as it is
        // when announced, so a payment faster than the announcement shows "Cancelled" twice and never "New".
        Assert.Contains(subscriber.Pushed, o => o.Id == later.Id);
    }

    [Fact]
    public async Task Every_replicas_status_changes_reach_a_subscriber_connected_to_any_replica()
    {
        Assert.True(GozonAppFixture.OrdersReplicas >= 2, "this test needs several Orders replicas");
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 1000);
        // Successive WebSocket connections are spread over the replicas by the gateway; each replica applies
        // only the payment results it consumes, so every subscriber needs the other replicas' changes too.
        var subscribers = new List<OrderStatusSubscriber>();
        try
        {
            for (var i = 0; i < GozonAppFixture.OrdersReplicas; i++)
            {
                var subscriber = await OrderStatusSubscriber.ConnectAsync(system.Gateway.BaseAddress!, user, system.App.Shoppers);
                subscribers.Add(subscriber);
                await subscriber.SubscribeToMyOrdersAsync();
            }

            var placed = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _api.PlaceOrderAsync(user, 10, $"burst {i}")));
            var ids = placed.Select(o => o.Id).ToList();

            foreach (var subscriber in subscribers)
            {
                var finals = await subscriber.WaitForFinalAsync(ids);
                Assert.All(finals, o => Assert.Equal("Finished", o.Status));
            }
        }
        finally
        {
            foreach (var subscriber in subscribers)
            {
                await subscriber.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Another_users_order_cannot_be_followed()
    {
        var owner = system.NewUserId();
        var placed = await _api.PlaceOrderAsync(owner, 5);
        await using var stranger = await OrderStatusSubscriber.ConnectAsync(system.Gateway.BaseAddress!, system.NewUserId(), system.App.Shoppers);

        var refused = await Assert.ThrowsAsync<HubException>(() => stranger.SubscribeToOrderAsync(placed.Id));
        Assert.Contains(placed.Id.ToString(), refused.Message);
        Assert.Empty(stranger.Orders);
    }

    [Fact]
    public async Task A_connection_without_a_token_is_refused_with_a_problem()
    {
        // A user header is not a sign-in: the gateway drops it.
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{OrderStatusSubscriber.HubPath}/negotiate?negotiateVersion=1&userId={system.NewUserId()}");
        request.Headers.TryAddWithoutValidation(GozonApi.UserHeader, "not a user id!");

        using var response = await system.Gateway.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("/api/identity/login", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a user id!")]
    public async Task A_replica_refuses_a_connection_without_a_valid_user_with_a_problem(string? userId)
    {
        using var replica = system.App.CreateTrustedServiceClient(system.App.Replicas("orders")[0].HttpEndpoint);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{OrderStatusSubscriber.HubPath}/negotiate?negotiateVersion=1");
        if (userId is not null)
        {
            request.Headers.TryAddWithoutValidation(GozonApi.UserHeader, userId);
        }

        using var response = await replica.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-User-Id", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Browsers_send_the_token_in_the_query_string()
    {
        var token = await system.App.Shoppers.AccessTokenAsync(system.NewUserId());

        using var response = await system.Gateway.PostAsync(
            $"{OrderStatusSubscriber.HubPath}/negotiate?negotiateVersion=1&access_token={token}", content: null);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("connectionToken", await response.Content.ReadAsStringAsync());
    }
}
