using Gozon.Messaging;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Database;
using Gozon.Messaging.DeadLetters;
using Gozon.Payments.Accounts;
using Gozon.Payments.Data;
using Gozon.Payments.Payments;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddApiDefaults();
builder.AddGatewayKey();
builder.AddServiceDatabase<PaymentsDbContext>("payments-db");
builder.AddRabbitMqMessaging();
builder.AddOutboxPublisher();
builder.AddMessageHandler<PayOrder, PayOrderHandler>();
builder.AddInboxCleaner();
builder.AddQueueConsumer(BrokerTopology.PayOrderQueue);

var app = builder.Build();
if (await RedriveCommand.TryRunAsync(app, args))
{
    await app.DisposeAsync();
    return;
}

app.UseApiDefaults();
app.UseGatewayKey();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();

await app.RunAsync();
