using Gozon.Messaging;
using Microsoft.Extensions.Configuration;

namespace Gozon.Tests.Support;

/// <summary>The configuration a test-owned messaging component (connection, sender, crash points) reads.</summary>
public static class BrokerConfiguration
{
    /// <summary>Points the default connection name at <paramref name="amqpUri"/>, the way the AppHost's environment does.</summary>
    public static IConfiguration For(string amqpUri) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [$"ConnectionStrings:{new MessagingOptions().ConnectionName}"] = amqpUri,
            })
            .Build();
}
