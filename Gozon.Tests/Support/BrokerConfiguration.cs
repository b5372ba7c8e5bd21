using Gozon.Messaging;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using RabbitMQ.Client;

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

    /// <summary>
    /// The connection factory a service's <see cref="MessagingExtensions.AddRabbitMqMessaging"/> registers over
    /// <paramref name="configuration"/>, so a test-owned connection recovers exactly as a service's does.
    /// </summary>
    public static IConnectionFactory ConnectionFactory(IConfiguration configuration)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddConfiguration(configuration);
        builder.AddRabbitMqMessaging();
        // The factory is plain settings: it outlives the provider that built it.
        using var services = builder.Services.BuildServiceProvider();
        return services.GetRequiredService<IConnectionFactory>();
    }
}
