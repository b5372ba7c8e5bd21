using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Inbox;
using Gozon.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gozon.Messaging;

public static class MessagingExtensions
{
    /// <summary>The broker connection, its health check, and the shared topology.</summary>
    public static IHostApplicationBuilder AddRabbitMqMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<MessagingOptions>().BindConfiguration(MessagingOptions.SectionName);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<RabbitMqConnection>();
        builder.Services.TryAddSingleton<MessageDispatcher>();
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
