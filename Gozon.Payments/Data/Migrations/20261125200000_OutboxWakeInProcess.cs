using Gozon.Messaging.Outbox;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gozon.Payments.Data.Migrations
{
    /// <summary>
    /// Drops the outbox NOTIFY trigger: PostgreSQL serializes the commits (fsync included) of transactions that
    /// NOTIFY, so every payment waited on every other. The writer now wakes its own publisher after commit
    /// (<see cref="OutboxCommitInterceptor"/>). No model change.
    /// </summary>
    [DbContext(typeof(PaymentsDbContext))]
    [Migration("20261125200000_OutboxWakeInProcess")]
    public partial class OutboxWakeInProcess : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder) => migrationBuilder.DropOutboxNotifyTrigger();

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.CreateOutboxNotifyTrigger();
    }
}
