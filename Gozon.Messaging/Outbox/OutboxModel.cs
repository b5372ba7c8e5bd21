using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Gozon.Messaging.Outbox;

/// <summary>
/// The <c>outbox_messages</c> table. Names are fixed here, not left to a naming convention,
/// because <see cref="OutboxPublisher"/> reads the table with hand-written SQL.
/// </summary>
public static class OutboxModel
{
    public const string Table = "outbox_messages";
    public const string NotifyChannel = "outbox_messages";

    public static ModelBuilder AddOutboxMessages(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable(Table);
            outbox.HasKey(m => m.Id);
            outbox.Property(m => m.Id).HasColumnName("id").ValueGeneratedNever();
            outbox.Property(m => m.Type).HasColumnName("type").HasMaxLength(200);
            outbox.Property(m => m.CorrelationId).HasColumnName("correlation_id").HasMaxLength(200);
            outbox.Property(m => m.Payload).HasColumnName("payload").HasColumnType("jsonb");
            outbox.Property(m => m.TraceParent).HasColumnName("trace_parent").HasMaxLength(128);
            outbox.Property(m => m.TraceState).HasColumnName("trace_state").HasMaxLength(512);
            outbox.Property(m => m.CreatedAt).HasColumnName("created_at");
            outbox.Property(m => m.NextAttemptAt).HasColumnName("next_attempt_at");
            outbox.Property(m => m.PublishedAt).HasColumnName("published_at");
            outbox.Property(m => m.Attempts).HasColumnName("attempts");
            outbox.Property(m => m.LastError).HasColumnName("last_error");
            // Only pending rows are ever scanned; published ones wait for clean-up.
            outbox.HasIndex(m => m.NextAttemptAt)
                .HasDatabaseName("ix_outbox_messages_pending")
                .HasFilter("published_at IS NULL");
            outbox.HasIndex(m => m.PublishedAt)
                .HasDatabaseName("ix_outbox_messages_published_at")
                .HasFilter("published_at IS NOT NULL");
        });
        return modelBuilder;
    }

    /// <summary>
    /// The first design: a trigger that woke every replica's publisher with NOTIFY. Kept for the services' initial
    /// migrations, which later migrations undo (<see cref="DropOutboxNotifyTrigger"/>): NOTIFY serializes commits.
    /// </summary>
    public static void CreateOutboxNotifyTrigger(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            CREATE OR REPLACE FUNCTION notify_outbox_messages() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{NotifyChannel}', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER outbox_messages_notify AFTER INSERT ON {Table}
                FOR EACH STATEMENT EXECUTE FUNCTION notify_outbox_messages();
            """);
    }

    public static void DropOutboxNotifyTrigger(this MigrationBuilder migrationBuilder)
    {
        migrationBuilder.Sql($"""
            DROP TRIGGER IF EXISTS outbox_messages_notify ON {Table};
            DROP FUNCTION IF EXISTS notify_outbox_messages();
            """);
    }
}
