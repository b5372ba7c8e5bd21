using Gozon.Messaging.Inbox;
using Gozon.Messaging.Outbox;
using Gozon.Payments.Accounts;
using Gozon.Payments.Payments;
using Microsoft.EntityFrameworkCore;

namespace Gozon.Payments.Data;

public sealed class PaymentsDbContext(DbContextOptions<PaymentsDbContext> options) : DbContext(options)
{
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<TopUp> TopUps => Set<TopUp>();
    public DbSet<PaymentTransaction> PaymentTransactions => Set<PaymentTransaction>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<Account>(account =>
        {
            account.ToTable("accounts", table => table.HasCheckConstraint("ck_accounts_balance_not_negative", "balance >= 0"));
            account.HasKey(a => a.UserId);
            account.Property(a => a.UserId).HasMaxLength(64);
            account.Property(a => a.Balance).HasPrecision(20, 2);
        });
        modelBuilder.Entity<TopUp>(topUp =>
        {
            topUp.ToTable("top_ups");
            topUp.HasKey(t => t.Id);
            topUp.Property(t => t.Id).ValueGeneratedNever();
            topUp.Property(t => t.UserId).HasMaxLength(64);
            topUp.Property(t => t.Amount).HasPrecision(12, 2);
            topUp.Property(t => t.BalanceAfter).HasPrecision(20, 2);
            topUp.Property(t => t.IdempotencyKey).HasMaxLength(200);
            topUp.HasIndex(t => new { t.UserId, t.IdempotencyKey })
                .IsUnique()
                .HasFilter("idempotency_key IS NOT NULL");
        });
        modelBuilder.Entity<PaymentTransaction>(payment =>
        {
            payment.ToTable("payment_transactions");
            payment.HasKey(p => p.Id);
            payment.Property(p => p.Id).ValueGeneratedNever();
            payment.HasIndex(p => p.OrderId).IsUnique();
            payment.Property(p => p.UserId).HasMaxLength(64);
            payment.Property(p => p.Amount).HasPrecision(12, 2);
            payment.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
            payment.Property(p => p.FailureReason).HasConversion<string>().HasMaxLength(32);
            payment.HasIndex(p => p.UserId);
        });
        modelBuilder.AddInboxMessages();
        modelBuilder.AddOutboxMessages();
    }
}
