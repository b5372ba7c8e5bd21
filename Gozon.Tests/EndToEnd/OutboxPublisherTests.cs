using System.Diagnostics.Metrics;
using Gozon.Messaging;
using Gozon.Messaging.Broker;
using Gozon.Messaging.Database;
using Gozon.Messaging.Outbox;
using Gozon.ServiceDefaults.Faults;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Gozon.Tests.EndToEnd;

/// <summary>
/// The outbox publisher holds a transaction written in SQL (BEGIN with the claim, COMMIT with the marks) across the
/// broker's confirms. A cycle that fails in between must leave neither that transaction open on the pooled connection
/// nor its rows locked. The publisher here works on a database of its own on the system's PostgreSQL, through a pool
/// of one connection, so the next cycle runs on the very connection the failed one gave back.
/// </summary>
[Collection(GozonSystemCollection.Name)]
public sealed class OutboxPublisherTests(GozonAppFixture system) : IAsyncLifetime
{
    private readonly IOptions<MessagingOptions> _options = Options.Create(new MessagingOptions());
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private string _connectionString = null!;
    private NpgsqlDataSource _pool = null!;
    private BrokerClient _broker = null!;
    private AmqpCuttingProxy _proxy = null!;
    private IConfiguration _viaProxy = null!;
    private IConfiguration _direct = null!;

    public async Task InitializeAsync()
    {
        _connectionString = new NpgsqlConnectionStringBuilder(await system.GetOrdersDbConnectionStringAsync())
        {
            Database = $"outbox_test_{Guid.NewGuid():N}",
        }.ConnectionString;
        await using (var db = new OutboxOnlyContext(_connectionString))
        {
            await db.Database.EnsureCreatedAsync();
        }

        _pool = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(ServiceDatabaseExtensions.Tune(_connectionString))
        {
            MaxPoolSize = 1,
        }.ConnectionString);
        var brokerUri = await system.GetRabbitMqConnectionStringAsync();
        _broker = await BrokerClient.ConnectAsync(brokerUri);
        _proxy = AmqpCuttingProxy.Start(brokerUri);
        _viaProxy = BrokerConfiguration.For(_proxy.Uri.ToString());
        _direct = BrokerConfiguration.For(brokerUri);
    }

    public async Task DisposeAsync()
    {
        await _proxy.DisposeAsync();
        await _broker.DisposeAsync();
        await _pool.DisposeAsync();
        await using (var db = new OutboxOnlyContext(_connectionString))
        {
            await db.Database.EnsureDeletedAsync();
        }

        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_cycle_cancelled_while_awaiting_confirms_unlocks_its_rows_for_the_next_cycle_on_the_same_connection()
    {
        var type = $"OutboxProbe{Guid.NewGuid():N}";
        var correlationId = Guid.NewGuid().ToString();
        var tap = await _broker.TapAsync(type);
        var id = await AddPendingAsync(type, correlationId);

        await using (var stalledConnection = new BrokerConnections(BrokerConfiguration.ConnectionFactory(_viaProxy), _options, NullLogger<RabbitMqConnection>.Instance))
        {
            await using var stalledSender = new OutboxBrokerSender(stalledConnection, new DuplicatePublishing(_viaProxy), TimeProvider.System, _options);
            await stalledSender.EnsureReadyAsync(CancellationToken.None);
            _proxy.Connections[^1].Stall();
            try
            {
                using var stopping = new CancellationTokenSource();
                var cycle = NewPublisher(stalledSender).PublishPendingAsync(stopping.Token);
                // Watched without touching the row: a locking probe could take it first and make the claim skip it.
                await Eventually.UntilAsync(WaitingInTransactionAsync, waiting => waiting == 1,
                    "the cycle to claim the row and wait for confirms");
                Assert.True(await IsLockedAsync(id), "the cycle must hold the row it claimed");
                Assert.False(cycle.IsCompleted, "the cycle must be waiting for confirms the stalled broker never sends");

                await stopping.CancelAsync();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cycle);
                Assert.Equal(0, await OpenTransactionsAsync());
                Assert.False(await IsLockedAsync(id));
            }
            finally
            {
                // Unstalls the client (it reconnects through the proxy), so that closing it need not wait for a timeout.
                _proxy.CutAll();
            }
        }

        await using var healthyConnection = new BrokerConnections(BrokerConfiguration.ConnectionFactory(_direct), _options, NullLogger<RabbitMqConnection>.Instance);
        await using var healthySender = new OutboxBrokerSender(healthyConnection, new DuplicatePublishing(_direct), TimeProvider.System, _options);
        Assert.Equal(1, await NewPublisher(healthySender).PublishPendingAsync(CancellationToken.None));
        Assert.True(await IsPublishedAsync(id));
        Assert.Equal(id.ToString(), (await _broker.TakeTappedAsync(tap, type, correlationId))?.MessageId);
        Assert.Equal(0, await OpenTransactionsAsync());
    }

    [Fact]
    public async Task A_broker_that_stops_confirming_fails_the_cycle_after_the_confirm_timeout_and_leaves_no_transaction_open()
    {
        var options = Options.Create(new MessagingOptions { PublishConfirmTimeout = TimeSpan.FromSeconds(1) });
        var id = await AddPendingAsync($"OutboxProbe{Guid.NewGuid():N}", Guid.NewGuid().ToString());
        await using var stalledConnection = new BrokerConnections(BrokerConfiguration.ConnectionFactory(_viaProxy), options, NullLogger<RabbitMqConnection>.Instance);
        await using var stalledSender = new OutboxBrokerSender(stalledConnection, new DuplicatePublishing(_viaProxy), TimeProvider.System, options);
        await stalledSender.EnsureReadyAsync(CancellationToken.None);
        _proxy.Connections[^1].Stall();
        try
        {
            // Without the timeout the cycle waits (its row locked, its transaction open) for as long as the broker is silent.
            var claimed = await NewPublisher(stalledSender, options).PublishPendingAsync(CancellationToken.None)
                .WaitAsync(TimeSpan.FromSeconds(20));

            Assert.Equal(1, claimed);
            Assert.False(await IsPublishedAsync(id));
            Assert.Contains("did not confirm", await ScalarAsync<string>($"SELECT last_error FROM {OutboxModel.Table} WHERE id = $1", id));
            Assert.Equal(0, await OpenTransactionsAsync());
            Assert.False(await IsLockedAsync(id));
        }
        finally
        {
            _proxy.CutAll();
        }
    }

    private OutboxPublisher NewPublisher(OutboxBrokerSender sender, IOptions<MessagingOptions>? options = null) =>
        new(_pool, sender, new OutboxSignal(), TimeProvider.System,
            new CrashPoints(_direct, NullLogger<CrashPoints>.Instance),
            new OutboxMetrics(_services.GetRequiredService<IMeterFactory>()), new OutboxCatchUp(), options ?? _options, NullLogger<OutboxPublisher>.Instance);

    private async Task<Guid> AddPendingAsync(string type, string correlationId)
    {
        var id = Guid.NewGuid();
        await using var connection = await OpenObserverAsync();
        await using var insert = new NpgsqlCommand($$"""
            INSERT INTO {{OutboxModel.Table}} (id, type, correlation_id, payload, created_at, next_attempt_at, attempts)
            VALUES ($1, $2, $3, '{}', now(), now(), 0)
            """, connection)
        {
            Parameters = { new() { Value = id }, new() { Value = type }, new() { Value = correlationId } },
        };
        await insert.ExecuteNonQueryAsync();
        return id;
    }

    /// <summary>Whether another transaction holds the row's lock: SKIP LOCKED passes over it.</summary>
    private async Task<bool> IsLockedAsync(Guid id) =>
        await ScalarAsync<long>(
            $"SELECT count(*) FROM (SELECT 1 FROM {OutboxModel.Table} WHERE id = $1 FOR UPDATE SKIP LOCKED) free", id) == 0;

    private async Task<bool> IsPublishedAsync(Guid id) =>
        await ScalarAsync<bool>($"SELECT published_at IS NOT NULL FROM {OutboxModel.Table} WHERE id = $1", id);

    /// <summary>Sessions whose transaction is open while they wait for their client.</summary>
    private async Task<long> WaitingInTransactionAsync() =>
        await ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND state = 'idle in transaction'");

    private async Task<long> OpenTransactionsAsync() =>
        await ScalarAsync<long>(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND xact_start IS NOT NULL");

    private async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = await OpenObserverAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A connection outside the publisher's pool of one.</summary>
    private async Task<NpgsqlConnection> OpenObserverAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private sealed class OutboxOnlyContext(string connectionString) : DbContext
    {
        protected override void OnConfiguring(DbContextOptionsBuilder options) => options.UseNpgsql(connectionString);

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.AddOutboxMessages();
    }
}
