using Gozon.Orders.LiveStatus;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gozon.Orders.Data.Migrations
{
    /// <summary>
    /// Every new order and every status change NOTIFYs <see cref="OrderChangeListener.Channel"/> with the
    /// order as JSON (the REST API's shape), delivered only if the transaction commits.
    /// </summary>
    public partial class OrderChangeNotifications : Migration
    {
        internal const string CreateTriggerSql = $"""
            CREATE OR REPLACE FUNCTION notify_order_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('{OrderChangeListener.Channel}', json_strip_nulls(json_build_object(
                    'id', NEW.id, 'userId', NEW.user_id, 'amount', NEW.amount, 'description', NEW.description,
                    'status', NEW.status, 'failureReason', NEW.failure_reason,
                    'createdAt', NEW.created_at, 'updatedAt', NEW.updated_at))::text);
                RETURN NULL;
            END $$;
            CREATE TRIGGER orders_notify_changed AFTER INSERT OR UPDATE OF status ON orders
                FOR EACH ROW EXECUTE FUNCTION notify_order_changed();
            """;

        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(CreateTriggerSql);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER IF EXISTS orders_notify_changed ON orders;
                DROP FUNCTION IF EXISTS notify_order_changed();
                """);
        }
    }
}
