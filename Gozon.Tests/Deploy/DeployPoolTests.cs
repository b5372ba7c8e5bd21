using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Gozon.AppHost.Infrastructure;
using Gozon.AppHost.Publishing;

namespace Gozon.Tests.Deploy;

/// <summary>deploy/'s pools: every service with a database shares the server's budget, scaled as far as compose can scale it.</summary>
public sealed partial class DeployPoolTests
{
    [Fact]
    public async Task Four_replicas_of_orders_and_payments_and_the_one_gateway_fit_the_server()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gozon_AppHost>(
            [$"--{InfrastructureModeExtensions.ConfigurationKey}=Container"]);
        var compose = (await ComposePublisher.GenerateAsync(builder.Resources.ToList()))
            .Single(f => f.RelativePath == ComposePublisher.ComposeFileName).Content;

        var pools = PoolSize().Matches(compose).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        var budget = new ConnectionBudget(ConnectionBudget.DefaultMaxConnections, ConnectionBudget.DefaultReserved, ConnectionBudget.DefaultDeployReplicas);

        // orders, payments, gateway; the gateway publishes port 5080, so compose runs one container of it, never four.
        Assert.Equal(3, pools.Count);
        Assert.All(pools, pool => Assert.Equal(budget.PoolSize(4 + 4 + 1), pool));
        Assert.True(pools[0] * (4 + 4 + 1) <= budget.Available);
        Assert.Equal(3, Regex.Count(compose, Regex.Escape($"Database__PlannedConnections: '{pools[0] * 9}'")));
    }

    [GeneratedRegex(@"Database__MaxPoolSize: '(\d+)'")]
    private static partial Regex PoolSize();
}
