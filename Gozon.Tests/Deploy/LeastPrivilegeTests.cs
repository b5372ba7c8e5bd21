using System.Text.RegularExpressions;
using Aspire.Hosting.Testing;
using Gozon.AppHost.Publishing;
using Gozon.Messaging.Broker;

namespace Gozon.Tests.Deploy;

/// <summary>
/// The compose deployment's accounts: each service reaches PostgreSQL as its own role and RabbitMQ as a user whose
/// permissions cover exactly the broker topology the services declare. What the servers then grant is checked
/// against the running stack (deploy/README.md, "Accounts").
/// </summary>
public sealed class LeastPrivilegeTests
{
    private static readonly Regex Permissions = new(ComposePublisher.RabbitMQServicesPermissions);

    public static TheoryData<string> TopologyNames()
    {
        var names = new TheoryData<string>
        {
            BrokerTopology.Exchange, BrokerTopology.DeadLetterExchange, BrokerTopology.RedeliveryExchange, BrokerTopology.RetryExchange,
        };
        foreach (var queue in BrokerTopology.Queues)
        {
            names.Add(queue.Name);
            names.Add(BrokerTopology.DeadLetterQueueOf(queue.Name));
            names.Add(BrokerTopology.RetryQueueOf(queue.Name));
        }

        return names;
    }

    [Theory]
    [MemberData(nameof(TopologyNames))]
    public void The_services_user_may_use_every_exchange_and_queue_of_the_topology(string name) =>
        Assert.Matches(Permissions, name);

    [Theory]
    [InlineData("amq.default")]
    [InlineData("amq.gen-JzTY20BRgKO-HjmUJj0wLg")]
    [InlineData("amq.topic")]
    [InlineData("other.queue")]
    [InlineData("xgozon.messages")]
    public void The_services_user_may_use_nothing_else(string name) => Assert.DoesNotMatch(Permissions, name);

    [Fact]
    public async Task Each_service_connects_as_its_own_role_and_as_the_non_administrator_broker_user()
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gozon_AppHost>(
            [$"--{Gozon.AppHost.Infrastructure.InfrastructureModeExtensions.ConfigurationKey}=Container"]);
        var compose = (await ComposePublisher.GenerateAsync(builder.Resources.ToList()))
            .Single(f => f.RelativePath == ComposePublisher.ComposeFileName).Content;

        Assert.Contains("ConnectionStrings__orders-db: 'Host=postgres;Port=5432;Username=orders;Password=${POSTGRES_ORDERS_PASSWORD};Database=orders_db'", compose, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__payments-db: 'Host=postgres;Port=5432;Username=payments;Password=${POSTGRES_PAYMENTS_PASSWORD};Database=payments_db'", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("Username=postgres", compose, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(compose, Regex.Escape("ConnectionStrings__rabbitmq: 'amqp://gozon-services:${RABBITMQ_SERVICES_PASSWORD}@rabbitmq:5672/'")));
    }
}
