using Microsoft.EntityFrameworkCore;

namespace Gozon.Messaging.Inbox;

/// <summary>A message id already handled. Inserted in the same transaction as the handler's effect.</summary>
public sealed class InboxMessage
{
    public Guid MessageId { get; init; }
    public required string Type { get; init; }
    public DateTimeOffset ProcessedAt { get; init; }
}

public static class InboxModel
{
    public const string Table = "inbox_messages";

    public static ModelBuilder AddInboxMessages(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<InboxMessage>(inbox =>
        {
            inbox.ToTable(Table);
            inbox.HasKey(m => m.MessageId);
            inbox.Property(m => m.MessageId).HasColumnName("message_id").ValueGeneratedNever();
            inbox.Property(m => m.Type).HasColumnName("type").HasMaxLength(200);
            inbox.Property(m => m.ProcessedAt).HasColumnName("processed_at");
            inbox.HasIndex(m => m.ProcessedAt).HasDatabaseName("ix_inbox_messages_processed_at");
        });
        return modelBuilder;
    }

    /// <summary>
    /// Records the message as handled inside the caller's open transaction. Returns false for a message
    /// id seen before; a concurrent duplicate waits on the unique key until the first commits or rolls back.
    /// </summary>
    public static async Task<bool> TryAcceptAsync(
        this DbContext db, IncomingMessage envelope, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var inserted = await db.Database.ExecuteSqlAsync($"""
            INSERT INTO inbox_messages (message_id, type, processed_at)
            VALUES ({envelope.MessageId}, {envelope.Type}, {now})
            ON CONFLICT (message_id) DO NOTHING
            """, cancellationToken);
        return inserted == 1;
    }
}
