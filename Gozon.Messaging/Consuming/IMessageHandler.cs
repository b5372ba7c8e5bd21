using Gozon.Messaging.Contracts;

namespace Gozon.Messaging;

/// <summary>
/// Applies one message. Runs in its own DI scope; returning means the effect is committed and the delivery
/// is acked. Throw <see cref="PoisonMessageException"/> for a message that can never succeed.
/// </summary>
public interface IMessageHandler<in TMessage> where TMessage : IMessage
{
    Task HandleAsync(TMessage message, IncomingMessage envelope, CancellationToken cancellationToken);
}

/// <summary>The message itself is wrong (not a transient failure): it goes to the dead-letter queue at once.</summary>
public sealed class PoisonMessageException(string message) : Exception(message);
