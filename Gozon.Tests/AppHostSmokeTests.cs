using System.Net;
using Gozon.AppHost.Hosting;
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
        var snapshots = system.App.ResourceNotifications.GetSnapshots();
        Assert.Equal(GozonAppFixture.PaymentsReplicas, snapshots.Count(s => s.ResourceName == "payments"));
        Assert.Equal(GozonAppFixture.OrdersReplicas, snapshots.Count(s => s.ResourceName == "orders"));
        Assert.All(snapshots, s => Assert.Equal(HealthStatus.Healthy, s.Health));
        Assert.StartsWith("amqp://", await system.GetConnectionStringAsync("rabbitmq"), StringComparison.Ordinal);
        Assert.Contains("Database=orders_db", await system.GetConnectionStringAsync("orders-db"), StringComparison.Ordinal);
    }
}
