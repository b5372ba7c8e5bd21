using Gozon.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace Gozon.AppHost;

/// <summary>The Gozon system: shared by <c>Program.cs</c> and the test host.</summary>
public static class GozonTopology
{
    public const int DefaultGatewayPort = 5080;
    public const int DefaultWebPort = 5081;

    public static void Configure(IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);

        var postgres = builder.AddPostgres("postgres");
        var ordersDb = postgres.AddDatabase("orders-db", databaseName: "orders_db");
        var paymentsDb = postgres.AddDatabase("payments-db", databaseName: "payments_db");
        var rabbitmq = builder.AddRabbitMQ("rabbitmq");

        var orders = builder.AddProject<Projects.Gozon_Orders>("orders")
            .WithReference(ordersDb)
            .WithReference(rabbitmq)
            .WaitFor(ordersDb)
            .WaitFor(rabbitmq);

        var payments = builder.AddProject<Projects.Gozon_Payments>("payments")
            .WithReference(paymentsDb)
            .WithReference(rabbitmq)
            .WaitFor(paymentsDb)
            .WaitFor(rabbitmq);

        var gateway = builder.AddProject<Projects.Gozon_Gateway>("gateway")
            .WithReference(orders)
            .WithReference(payments)
            .WithHttpEndpoint(port: builder.Configuration.GetValue("Gozon:Ports:Gateway", DefaultGatewayPort))
            .WaitFor(orders)
            .WaitFor(payments);

        builder.AddProject<Projects.Gozon_Web>("web")
            .WithReference(gateway)
            .WithHttpEndpoint(port: builder.Configuration.GetValue("Gozon:Ports:Web", DefaultWebPort))
            .WaitFor(gateway);
    }
}
