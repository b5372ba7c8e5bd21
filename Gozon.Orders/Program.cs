using Gozon.Messaging;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Database;
using Gozon.Messaging.DeadLetters;
using Gozon.Orders.Data;
using Gozon.Orders.LiveStatus;
using Gozon.Orders.Orders;
using Gozon.Orders.PaymentRequests;
using Gozon.Orders.PaymentResults;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddGatewayKey();
builder.AddServiceDatabase<OrdersDbContext>("orders-db");
builder.AddRabbitMqMessaging();
builder.AddOutboxPublisher();
builder.AddMessageHandler<PaymentSucceeded, PaymentResultHandler>();
builder.AddMessageHandler<PaymentFailed, PaymentResultHandler>();
builder.AddQueueConsumer(BrokerTopology.PaymentResultsQueue);
builder.AddOrderLiveStatus();
builder.AddPaymentRequestRetries();

var app = builder.Build();
if (await RedriveCommand.TryRunAsync(app, args))
{
    await app.DisposeAsync();
    return;
}

app.UseApiDefaults();
app.UseGatewayKey();
app.MapDefaultEndpoints();
app.MapOrderEndpoints();
app.MapOrderLiveStatus();

await app.RunAsync();
