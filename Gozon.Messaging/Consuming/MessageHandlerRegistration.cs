using Gozon.Messaging.Contracts;
using Microsoft.Extensions.DependencyInjection;

namespace Gozon.Messaging;

/// <summary>Binds a wire type name to its CLR type and handler; consumers look deliveries up here.</summary>
public sealed record MessageHandlerRegistration(
    string MessageType,
    Type ClrType,
    Func<IServiceProvider, object, IncomingMessage, CancellationToken, Task> Invoke)
{
    public static MessageHandlerRegistration For<TMessage>() where TMessage : IMessage =>
        new(typeof(TMessage).Name, typeof(TMessage), (services, message, envelope, cancellationToken) =>
            services.GetRequiredService<IMessageHandler<TMessage>>()
                .HandleAsync((TMessage)message, envelope, cancellationToken));
}
