using Gozon.Messaging.Outbox;
using Gozon.Orders.Orders;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Orders.Data;

public sealed class OrdersDbContext(DbContextOptions<OrdersDbContext> options) : DbContext(options)
{
    public DbSet<Order> Orders => Set<Order>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Order>(order =>
        {
            order.ToTable("orders");
            order.HasKey(o => o.Id);
            order.Property(o => o.Id).ValueGeneratedNever();
            order.Property(o => o.UserId).HasMaxLength(64);
            order.Property(o => o.Amount).HasPrecision(12, 2);
            order.Property(o => o.Description).HasMaxLength(Order.MaxDescriptionLength);
            order.Property(o => o.Status).HasConversion<string>().HasMaxLength(16);
            order.Property(o => o.FailureReason).HasConversion<string>().HasMaxLength(32);
            order.Property(o => o.IdempotencyKey).HasMaxLength(200);
            order.HasIndex(o => new { o.UserId, o.CreatedAt }).IsDescending(false, true);
            // Only New orders are ever due for another payment request: the index stays as small as the backlog.
            order.HasIndex(o => o.NextPaymentRequestAt).HasFilter("status = 'New'");
            order.HasIndex(o => new { o.UserId, o.IdempotencyKey })
                .IsUnique()
                .HasFilter("idempotency_key IS NOT NULL");
        });
        modelBuilder.AddOutboxMessages();
    }
}
