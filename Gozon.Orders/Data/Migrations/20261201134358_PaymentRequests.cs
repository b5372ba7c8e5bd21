using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Gozon.Orders.Data.Migrations
{
    /// <inheritdoc />
    public partial class PaymentRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Orders placed before this column existed and still New are due at once: nothing else would ever end them.
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "next_payment_request_at",
                table: "orders",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<int>(
                name: "payment_requests",
                table: "orders",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.CreateIndex(
                name: "ix_orders_next_payment_request_at",
                table: "orders",
                column: "next_payment_request_at",
                filter: "status = 'New'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_orders_next_payment_request_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "next_payment_request_at",
                table: "orders");

            migrationBuilder.DropColumn(
                name: "payment_requests",
                table: "orders");
        }
    }
}
