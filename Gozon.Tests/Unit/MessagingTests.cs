using System.Diagnostics.Metrics;
using System.Text;
using System.Text.Json;
using Gozon.Messaging;
using Gozon.Messaging.Contracts;
using Gozon.Messaging.Database;
using Gozon.Messaging.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Gozon.Tests.Unit;

public sealed class MessagingUnitTests
{
    [Fact]
    public void Messages_round_trip_through_the_wire_format()
    {
        var message = new PaymentFailed(Guid.NewGuid(), PaymentFailureReason.InsufficientFunds);

        var json = MessageSerializer.Serialize(message);
        var back = MessageSerializer.Deserialize(Encoding.UTF8.GetBytes(json), typeof(PaymentFailed));

        Assert.Contains("\"reason\":\"InsufficientFunds\"", json);
        Assert.Equal(message, back);
    }

    [Theory]
    [InlineData("""{"orderId":"6d1b0a4e-8e3f-4a0e-9a5d-0d7c5f1e2a3b","userId":"u"}""")]
    [InlineData("""{"orderId":"6d1b0a4e-8e3f-4a0e-9a5d-0d7c5f1e2a3b","userId":"u","amount":"5"}""")]
    [InlineData("""{"orderId":"6d1b0a4e-8e3f-4a0e-9a5d-0d7c5f1e2a3b","userId":null,"amount":5}""")]
    [InlineData("null")]
    public void Incomplete_or_mistyped_messages_are_rejected(string json) =>
        Assert.ThrowsAny<JsonException>(() => MessageSerializer.Deserialize(Encoding.UTF8.GetBytes(json), typeof(PayOrder)));

    [Fact]
    public void An_outbox_row_carries_type_correlation_and_a_time_ordered_id()
    {
        var now = DateTimeOffset.UtcNow;
        var orderId = Guid.NewGuid();

        var first = OutboxMessage.Create(new PayOrder(orderId, "u", 5), now);
        var second = OutboxMessage.Create(new PayOrder(orderId, "u", 5), now.AddMilliseconds(1));

        Assert.Equal("PayOrder", first.Type);
        Assert.Equal(orderId.ToString(), first.CorrelationId);
        Assert.Equal(7, first.Id.Version);
        Assert.True(first.Id.CompareTo(second.Id) < 0);
        Assert.Equal(now, first.NextAttemptAt);
    }

    [Fact]
    public void Service_connections_prepare_statements_and_skip_the_session_reset_by_default()
    {
        var tuned = new NpgsqlConnectionStringBuilder(
            ServiceDatabaseExtensions.Tune("Host=127.0.0.1;Port=5432;Username=postgres;Password=p;Database=orders_db"));

        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.True(tuned.NoResetOnClose);
        Assert.Equal("orders_db", tuned.Database);
    }

    [Theory]
    [InlineData("Host=h;Max Auto Prepare=0;No Reset On Close=false")]
    [InlineData("Host=h;maxautoprepare=0;NoResetOnClose=false")]
    public void A_connection_string_that_sets_the_tuning_keywords_wins(string connectionString)
    {
        var tuned = new NpgsqlConnectionStringBuilder(ServiceDatabaseExtensions.Tune(connectionString));

        Assert.Equal(0, tuned.MaxAutoPrepare);
        Assert.False(tuned.NoResetOnClose);
    }

    [Theory]
    [InlineData("Host=h", 12, 12)]
    [InlineData("Host=h", null, 100)]
    [InlineData("Host=h;Maximum Pool Size=7", 12, 7)]
    [InlineData("Host=h;MaxPoolSize=7", 12, 7)]
    public void The_pool_is_the_replica_s_share_of_the_budget_unless_the_connection_string_sets_it(string connectionString, int? share, int expected)
    {
        var tuned = new NpgsqlConnectionStringBuilder(ServiceDatabaseExtensions.Tune(connectionString, share));

        Assert.Equal(expected, tuned.MaxPoolSize);
    }

    [Theory]
    [InlineData("0", null)]
    [InlineData("10", "5")]
    public void Database_options_refuse_a_pool_or_plan_that_cannot_be(string pool, string? planned)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:MaxPoolSize"] = pool,
            ["Database:PlannedConnections"] = planned,
        }).Build();

        var error = Assert.Throws<InvalidOperationException>(() => DatabaseOptions.Read(configuration));
        Assert.Contains("Database:MaxPoolSize", error.Message);
    }

    [Fact]
    public void Outbox_metrics_record_the_lag_of_confirmed_messages_only()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var metrics = new OutboxMetrics(services.GetRequiredService<IMeterFactory>());
        var lags = new List<double>();
        var confirms = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OutboxMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            (instrument.Name == "gozon.outbox.lag" ? lags : confirms).Add(value));
        listener.Start();
        var confirmedAt = DateTimeOffset.UtcNow;
        PendingOutboxMessage Written(double msAgo) => new(
            Guid.NewGuid(), "PayOrder", "c", "{}", null, null, confirmedAt.AddMilliseconds(-msAgo), 0);

        metrics.BatchSent([Written(40), Written(25)], [null, "PublishException: nack"], TimeSpan.FromMilliseconds(9), confirmedAt);

        Assert.Equal([40.0], lags);
        Assert.Equal([9.0], confirms);
    }

    [Fact]
    public void Backoff_grows_and_stays_under_its_cap()
    {
        var cap = TimeSpan.FromSeconds(10);

        Assert.True(Backoff.Delay(0, cap) < Backoff.Delay(5, cap));
        Assert.All(Enumerable.Range(0, 40), attempt => Assert.True(Backoff.Delay(attempt, cap) <= cap * 1.1));
    }
}
