using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.DeadLetters;
using Gozon.Messaging.Inbox;
using Gozon.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;

namespace Gozon.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// The broker connections (their factory, client logs and tracing from Aspire.RabbitMQ.Client), their health
    /// check, the shared topology, and the watch on the dead-letter queues of the queues the service consumes.
    /// </summary>
    public static IHostApplicationBuilder AddRabbitMqMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
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
        // BrokerConnections holds the connections: resolving Aspire's as well would open another one.
        builder.Services.RemoveAll<IConnection>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<BrokerConnections>();
        builder.Services.TryAddSingleton<MessageDispatcher>();
        builder.Services.TryAddSingleton<DeliveryForwarder>();
        builder.Services.TryAddSingleton<DeadLetterMonitor>();
        builder.Services.AddHostedService(services => services.GetRequiredService<DeadLetterMonitor>());
        builder.Services.AddHealthChecks()
            .AddCheck<RabbitMqHealthCheck>("rabbitmq")
            .Add(new HealthCheckRegistration("dead-letters", services => services.GetRequiredService<DeadLetterMonitor>(),
                failureStatus: null, tags: null));
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
        builder.Services.TryAddSingleton<OutboxCatchUp>();
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
        builder.Services.AddSingleton(new ConsumedQueue(queue));
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
