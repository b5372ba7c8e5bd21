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
public sealed partial class LeastPrivilegeTests
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
        var compose = await GenerateAsync(ComposePublisher.ComposeFileName);

        Assert.Contains("ConnectionStrings__orders-db: 'Host=postgres;Port=5432;Username=orders;Password=${POSTGRES_ORDERS_PASSWORD};Database=orders_db'", compose, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__payments-db: 'Host=postgres;Port=5432;Username=payments;Password=${POSTGRES_PAYMENTS_PASSWORD};Database=payments_db'", compose, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__identity-db: 'Host=postgres;Port=5432;Username=gateway;Password=${POSTGRES_GATEWAY_PASSWORD};Database=identity_db'", compose, StringComparison.Ordinal);
        Assert.DoesNotContain("Username=postgres", compose, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Count(compose, Regex.Escape("ConnectionStrings__rabbitmq: 'amqp://gozon-services:${RABBITMQ_SERVICES_PASSWORD}@rabbitmq:5672/'")));
    }

    [Fact]
    public async Task The_gateway_reaches_its_identity_database_only_and_no_broker()
    {
        var gateway = Service(await GenerateAsync(ComposePublisher.ComposeFileName), "gateway");

        Assert.Equal(["ConnectionStrings__identity-db"], ConnectionStringKey().Matches(gateway).Select(m => m.Value));
        Assert.Contains("Username=gateway;", gateway, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Only_the_gateway_holds_the_signing_key_and_it_trusts_no_client_header_unless_env_says_so()
    {
        var compose = await GenerateAsync(ComposePublisher.ComposeFileName);
        const string gatewayKey = "Gozon__Gateway__Key: '${GOZON_GATEWAY_KEY:?set it in .env}'";
        const string signingKey = "Gozon__Identity__SigningKey: '${GOZON_IDENTITY_SIGNING_KEY:?set it in .env}'";
        const string frontEndKey = "Gozon__Identity__FrontEndKey: '${GOZON_FRONT_END_KEY:?set it in .env}'";

        foreach (var service in new[] { "orders", "payments" })
        {
            Assert.Contains(gatewayKey, Service(compose, service), StringComparison.Ordinal);
            Assert.DoesNotContain("Gozon__Identity__", Service(compose, service), StringComparison.Ordinal);
        }

        var gateway = Service(compose, "gateway");
        Assert.Contains(gatewayKey, gateway, StringComparison.Ordinal);
        Assert.Contains(signingKey, gateway, StringComparison.Ordinal);
        Assert.Contains("Gozon__Identity__TrustUserIdHeader: '${GOZON_TRUST_USER_ID_HEADER:-false}'", gateway, StringComparison.Ordinal);
        Assert.Contains(frontEndKey, gateway, StringComparison.Ordinal);
        // The shop holds only its own key: with it the gateway trusts the shopper address it forwards, and nothing else.
        Assert.Contains(frontEndKey, Service(compose, "web"), StringComparison.Ordinal);
        Assert.DoesNotContain("Gozon__Gateway__Key", Service(compose, "web"), StringComparison.Ordinal);
        Assert.DoesNotContain("SigningKey", Service(compose, "web"), StringComparison.Ordinal);
        Assert.Equal(1, Regex.Count(compose, Regex.Escape("GOZON_IDENTITY_SIGNING_KEY")));
    }

    [Fact]
    public async Task Each_role_owns_its_own_database_only_and_nobody_else_may_connect_to_it()
    {
        var script = await GenerateAsync(ComposePublisher.InitFileName);

        foreach (var (role, database) in new[] { ("orders", "orders_db"), ("payments", "payments_db"), ("gateway", "identity_db") })
        {
            Assert.Contains($"CREATE ROLE \"{role}\" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD :'{role}_password';", script, StringComparison.Ordinal);
            Assert.Contains($"CREATE DATABASE \"{database}\" OWNER \"{role}\";", script, StringComparison.Ordinal);
            // CONNECT is PUBLIC's by default: revoked, only the owner (and the superuser) may connect.
            Assert.Contains($"REVOKE ALL ON DATABASE \"{database}\" FROM PUBLIC;", script, StringComparison.Ordinal);
            // One database and its public schema, nothing else.
            Assert.Equal(1, Regex.Count(script, Regex.Escape($"OWNER \"{role}\";")));
            Assert.Equal(1, Regex.Count(script, Regex.Escape($"OWNER TO \"{role}\";")));
        }

        // No grant anywhere: the gateway's role cannot reach orders_db or payments_db, nor they identity_db.
        Assert.DoesNotContain("GRANT", script, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("REVOKE CONNECT ON DATABASE postgres FROM PUBLIC;", script, StringComparison.Ordinal);
        Assert.Contains("REVOKE CONNECT ON DATABASE template1 FROM PUBLIC;", script, StringComparison.Ordinal);
    }

    private static async Task<string> GenerateAsync(string file)
    {
        await using var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Gozon_AppHost>(
            [$"--{Gozon.AppHost.Infrastructure.InfrastructureModeExtensions.ConfigurationKey}=Container"]);
        return (await ComposePublisher.GenerateAsync(builder.Resources.ToList())).Single(f => f.RelativePath == file).Content;
    }

    /// <summary>One service's block of the compose file (two-space indented name, up to the next one).</summary>
    private static string Service(string compose, string name)
    {
        var start = compose.IndexOf($"\n  {name}:\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"no service {name}");
        var next = Regex.Match(compose[(start + 1)..], @"\n  [a-z-]+:\n|\n[a-z]+:\n");
        return compose.Substring(start + 1, next.Success ? next.Index : compose.Length - start - 1);
    }

    [GeneratedRegex("ConnectionStrings__[a-z-]+")]
    private static partial Regex ConnectionStringKey();
}
