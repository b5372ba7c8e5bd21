using Gozon.Messaging.Outbox;
using Gozon.Orders.LiveStatus;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gozon.Orders.Data.Migrations
{
    /// <summary>
    /// Drops both NOTIFY triggers (outbox rows, order changes): PostgreSQL serializes the commits (fsync included)
    /// of transactions that NOTIFY, which capped the pipeline at about 200 orders/s on two cores. The writer now
    /// wakes its own outbox publisher (<see cref="OutboxCommitInterceptor"/>) and announces order changes after
    /// commit (<see cref="OrderChangeNotifier"/>). No model change.
    /// </summary>
    [DbContext(typeof(OrdersDbContext))]
    [Migration("20261125200000_NotifyAfterCommit")]
    public partial class NotifyAfterCommit : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropOutboxNotifyTrigger();
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS orders_notify_changed ON orders;
                DROP FUNCTION IF EXISTS notify_order_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateOutboxNotifyTrigger();
            migrationBuilder.Sql(OrderChangeNotifications.CreateTriggerSql);
        }
    }
}
