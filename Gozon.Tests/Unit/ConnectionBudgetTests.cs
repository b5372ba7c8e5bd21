using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Gozon.AppHost.Infrastructure;
using Gozon.AppHost.Lifecycle;
using Microsoft.Extensions.Configuration;
using static System.Globalization.CultureInfo;

namespace Gozon.Tests.Unit;

public sealed class ConnectionBudgetTests
{
    [Theory]
    [InlineData(1, 1, 85)]
    [InlineData(2, 2, 42)]
    [InlineData(3, 3, 28)]
    [InlineData(16, 16, 5)]
    public async Task The_pools_of_every_replica_add_up_to_at_most_the_server_limit_minus_the_reserve(int orders, int payments, int expectedPool)
    {
        var environment = await PoolEnvironmentAsync([$"--replicas=orders={orders},payments={payments}"]);

        foreach (var service in new[] { "orders", "payments" })
        {
            Assert.Equal(expectedPool.ToString(InvariantCulture), environment[service]["Database__MaxPoolSize"]);
            var planned = int.Parse(environment[service]["Database__PlannedConnections"], InvariantCulture);
            Assert.Equal(expectedPool * (orders + payments), planned);
            Assert.InRange(planned, 1, ConnectionBudget.DefaultMaxConnections - ConnectionBudget.DefaultReserved);
        }
    }

    [Fact]
    public async Task The_budget_comes_from_configuration()
    {
        var environment = await PoolEnvironmentAsync(["--Gozon:Database:MaxConnections=80", "--Gozon:Database:ReservedConnections=20", "--replicas=orders=3,payments=3"]);

        Assert.Equal("10", environment["orders"]["Database__MaxPoolSize"]);
        Assert.Equal("60", environment["payments"]["Database__PlannedConnections"]);
    }

    [Theory]
    [InlineData("--Gozon:Database:MaxConnections=30")]
    [InlineData("--Gozon:Database:ReservedConnections=-1")]
    [InlineData("--Gozon:Database:MaxConnections=lots")]
    public void A_budget_with_nothing_to_share_is_refused(string argument)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine([argument]).Build();

        Assert.Throws<DistributedApplicationException>(() => ConnectionBudget.FromConfiguration(configuration));
    }

    [Fact]
    public void More_replicas_than_connections_to_share_is_refused()
    {
        var budget = new ConnectionBudget(MaxConnections: 40, Reserved: 30, DeployReplicas: 4);

        var error = Assert.Throws<DistributedApplicationException>(() => budget.PoolSize(11));
        Assert.Contains("raise MaxConnections", error.Message);
    }

    private static async Task<Dictionary<string, Dictionary<string, string>>> PoolEnvironmentAsync(string[] args)
    {
        var builder = DistributedApplication.CreateBuilder(args);
        var budget = ConnectionBudget.FromConfiguration(builder.Configuration);
        var projects = new[] { "orders", "payments" }.Select(name => builder
            .AddProject(name, Path.Combine(Gozon.Testing.RepositoryPaths.Root, "Gozon.Orders", "Gozon.Orders.csproj"))
            .WithConfigurationOverrides()
            .WithConnectionBudget(budget)
            .Resource).ToList();
        builder.AddProject("gateway", Path.Combine(Gozon.Testing.RepositoryPaths.Root, "Gozon.Gateway", "Gozon.Gateway.csproj"));

        var environment = new Dictionary<string, Dictionary<string, string>>();
        foreach (var project in projects)
        {
            var context = new EnvironmentCallbackContext(new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run));
            foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
            {
                await callback.Callback(context);
            }

            environment[project.Name] = context.EnvironmentVariables.ToDictionary(e => e.Key, e => e.Value.ToString()!);
        }

        return environment;
    }
}
