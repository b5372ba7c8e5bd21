using System.Net;
using Gozon.Tests.Infrastructure;

namespace Gozon.Tests;

[Collection(GozonSystemCollection.Name)]
public sealed class AppHostSmokeTests(GozonAppFixture system)
{
    [Fact]
    public async Task System_starts_and_the_gateway_is_healthy()
    {
        using var response = await system.Gateway.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(GozonAppFixture.PaymentsReplicas, system.App.Replicas("payments").Count);
        Assert.Equal(GozonAppFixture.OrdersReplicas, system.App.Replicas("orders").Count);
        foreach (var resource in new[] { "postgres", "orders-db", "payments-db", "identity-db", "rabbitmq", "orders", "payments", "gateway", "web" })
        {
            Assert.All(system.App.Replicas(resource), replica => Assert.True(replica.IsHealthy, $"{replica.Id} is {replica.Snapshot?.State?.Text}"));
        }

        Assert.StartsWith("amqp://", await system.GetConnectionStringAsync("rabbitmq"), StringComparison.Ordinal);
        Assert.Contains("Database=orders_db", await system.GetConnectionStringAsync("orders-db"), StringComparison.Ordinal);
    }
}
