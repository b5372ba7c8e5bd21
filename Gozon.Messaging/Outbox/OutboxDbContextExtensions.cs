using Gozon.Messaging.Contracts;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Messaging.Outbox;

public static class OutboxDbContextExtensions
{
    /// <summary>Adds the message to the outbox; it is sent only if the caller's SaveChanges commits.</summary>
    public static OutboxMessage EnqueueMessage(this DbContext db, IMessage message, DateTimeOffset now)
    {
        var outboxMessage = OutboxMessage.Create(message, now);
        db.Set<OutboxMessage>().Add(outboxMessage);
        return outboxMessage;
    }
}
