using Gozon.Messaging;
using Gozon.Messaging.Inbox;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Gozon.Tests.EndToEnd;

/// <summary>The clean-up query against the real payments database, with the clock moved instead of waited on.</summary>
[Collection(GozonSystemCollection.Name)]
public sealed class InboxCleanupTests(GozonAppFixture system)
{
    [Fact]
    public async Task Inbox_rows_past_the_retention_are_deleted_and_recent_ones_kept()
    {
        var connectionString = await system.GetConnectionStringAsync("payments-db");
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var now = DateTimeOffset.UtcNow;
        var expired = Guid.NewGuid();
        var recent = Guid.NewGuid();
        await using (var insert = dataSource.CreateCommand(
            "INSERT INTO inbox_messages (message_id, type, processed_at) VALUES (@expired, 'Test', @old), (@recent, 'Test', @now)"))
        {
            insert.Parameters.AddWithValue("expired", expired);
            insert.Parameters.AddWithValue("recent", recent);
            insert.Parameters.AddWithValue("old", now.AddDays(-8));
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync();
        }

        var cleaner = new InboxCleaner(dataSource, new FakeTimeProvider(now), Options.Create(new MessagingOptions()),
            NullLogger<InboxCleaner>.Instance);

        Assert.True(await cleaner.CleanUpAsync(CancellationToken.None) >= 1);
        var payments = new PaymentsDatabase(connectionString);
        Assert.Equal(0, await payments.InboxRowsAsync(expired));
        Assert.Equal(1, await payments.InboxRowsAsync(recent));
    }
}
