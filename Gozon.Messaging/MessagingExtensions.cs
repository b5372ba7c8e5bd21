using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Inbox;
using Gozon.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Gozon.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// The broker connection (its factory, client logs and tracing from Aspire.RabbitMQ.Client), its health check,
    /// and the shared topology.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMqMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName);
        var connectionName = builder.Configuration.GetSection(MessagingOptions.SectionName).Get<MessagingOptions>()?.ConnectionName
            ?? new MessagingOptions().ConnectionName;
        builder.AddRabbitMQClient(connectionName, settings =>
        {
            // Without one the factory silently targets localhost:5672.
            if (string.IsNullOrEmpty(settings.ConnectionString))
            {
                throw new InvalidOperationException(
                    $"Connection string '{connectionName}' is missing: set ConnectionStrings__{connectionName} to an amqp:// URI.");
            }

            // RabbitMqConnection connects, off the start-up path and with its own back-off; Aspire's IConnection
            // (removed below) would connect while the host starts or a health probe resolves it, blocking either.
            settings.DisableAutoActivation = true;
            settings.DisableHealthChecks = true;
        }, factory =>
        {
            factory.AutomaticRecoveryEnabled = true;
            factory.TopologyRecoveryEnabled = true;
            factory.NetworkRecoveryInterval = TimeSpan.FromSeconds(2);
            factory.ClientProvidedName ??= AppDomain.CurrentDomain.FriendlyName;
        });
        // RabbitMqConnection is the one connection: resolving Aspire's as well would open a second one.
        builder.Services.RemoveAll<IConnection>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RabbitMqConnection>();
        builder.Services.TryAddSingleton<MessageDispatcher>();
        // Answers from the connection's state: a probe never waits for the broker, which may be down at start.
        builder.Services.AddHealthChecks().AddCheck<RabbitMqHealthCheck>("rabbitmq");
        return builder;
    }

    /// <summary>
    /// Publishes the service database's <c>outbox_messages</c>; needs an <c>NpgsqlDataSource</c>, and the service's
    /// DbContext from <see cref="Database.ServiceDatabaseExtensions.AddServiceDatabase{TContext}"/> (which picks up
    /// the interceptor that wakes the publisher on commit).
    /// </summary>
    public static IHostApplicationBuilder AddOutboxPublisher(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton<OutboxBrokerSender>();
        builder.Services.TryAddSingleton<OutboxSignal>();
        builder.Services.TryAddSingleton<OutboxMetrics>();
        builder.Services.AddSingleton<IInterceptor, OutboxCommitInterceptor>();
        builder.Services.AddSingleton<OutboxPublisher>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OutboxPublisher>());
        return builder;
    }

    /// <summary>Deletes inbox rows past the retention period; for services whose handlers use the inbox.</summary>
    public static IHostApplicationBuilder AddInboxCleaner(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService<InboxCleaner>();
        return builder;
    }

    public static IHostApplicationBuilder AddQueueConsumer(this IHostApplicationBuilder builder, string queue)
    {
        builder.Services.AddSingleton<IHostedService>(services => ActivatorUtilities.CreateInstance<QueueConsumer>(services, queue));
        return builder;
    }

    public static IHostApplicationBuilder AddMessageHandler<TMessage, THandler>(this IHostApplicationBuilder builder)
        where TMessage : IMessage
        where THandler : class, IMessageHandler<TMessage>
    {
        builder.Services.AddScoped<IMessageHandler<TMessage>, THandler>();
        builder.Services.AddSingleton(MessageHandlerRegistration.For<TMessage>());
        return builder;
    }
}
