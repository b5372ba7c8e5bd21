using Gozon.AppHost.Identity;
using Gozon.AppHost.Infrastructure;
using Gozon.AppHost.Lifecycle;
using Gozon.AppHost.Publishing;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args);

// Publishing describes the compose deployment, whose servers are containers whatever this machine has.
var mode = builder.ExecutionContext.IsPublishMode
    ? InfrastructureMode.Container
    : builder.GetInfrastructureMode(postgresName: "postgres", rabbitMQName: "rabbitmq");
// Container volumes and the process-mode state folder keep orders and balances between runs; tests turn it off.
var persistent = builder.Configuration.GetValue("Gozon:PersistentData", true);

// The server's max_connections and every service's pool come from this one budget (Gozon:Database:*).
var connections = ConnectionBudget.FromConfiguration(builder.Configuration);
var postgres = builder.AddPostgresServer("postgres", mode, connections.MaxConnections, persistent);
var ordersDb = postgres.AddDatabase("orders-db", databaseName: "orders_db");
var paymentsDb = postgres.AddDatabase("payments-db", databaseName: "payments_db");
var identityDb = postgres.AddDatabase("identity-db", databaseName: "identity_db");
var rabbitmq = builder.AddRabbitMQServer("rabbitmq", mode, persistent).WithDeadLetterRedrive();
var edge = EdgeSecrets.Add(builder);

var orders = builder.AddProject<Projects.Gozon_Orders>("orders")
    .WithReference(ordersDb)
    .WithReference(rabbitmq)
    .WithHttpEndpoint()
    .WaitFor(ordersDb)
    .WaitFor(rabbitmq)
    .WithConnectionBudget(connections)
    .BehindGateway(edge)
    .AsGozonService(builder);

var payments = builder.AddProject<Projects.Gozon_Payments>("payments")
    .WithReference(paymentsDb)
    .WithReference(rabbitmq)
    .WithHttpEndpoint()
    .WaitFor(paymentsDb)
    .WaitFor(rabbitmq)
    .WithConnectionBudget(connections)
    .BehindGateway(edge)
    .AsGozonService(builder);

var gateway = builder.AddProject<Projects.Gozon_Gateway>("gateway")
    .WithReference(identityDb)
    .WithReference(orders)
    .WithReference(payments)
    .WithHttpEndpoint(port: PortOrDefault("Gozon:Ports:Gateway", 5080))
    .WithExternalHttpEndpoints()
    .WaitFor(orders)
    .WaitFor(identityDb)
    .WaitFor(payments)
    .WithConnectionBudget(connections)
    .WithSignIn(edge)
    .AsGozonService(builder)
    .WithUrlAnnouncement("Gateway (API, /scalar/ for its reference)");

builder.AddProject<Projects.Gozon_Web>("web")
    .WithReference(gateway)
    .AsSignInFrontEnd(edge)
    .WithHttpEndpoint(port: PortOrDefault("Gozon:Ports:Web", 5081))
    .WithExternalHttpEndpoints()
    .WaitFor(gateway)
    .AsGozonService(builder)
    .WithUrlAnnouncement("Web (the shop)");

builder.AddComposePublishing();

builder.Build().Run();

// 0 lets Aspire pick a free port (tests, a second instance).
int? PortOrDefault(string key, int port) => builder.Configuration.GetValue(key, port) is var configured and > 0 ? configured : null;
