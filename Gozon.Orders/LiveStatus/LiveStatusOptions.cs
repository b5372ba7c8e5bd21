using System.ComponentModel.DataAnnotations;

namespace Gozon.Orders.LiveStatus;

/// <summary>How much a hub subscriber may fall behind before it is dropped (section <c>Gozon:Orders:LiveStatus</c>).</summary>
public sealed class LiveStatusOptions
{
    public const string SectionName = "Gozon:Orders:LiveStatus";

    /// <summary>
    /// How long one push may wait for room in a connection's buffers before the connection is aborted. A push waits
    /// only once SignalR's pipes (64 KB each) and the socket are full, i.e. the client is far behind already; it gets
    /// the current state when it reconnects and subscribes again.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Pushes that may wait for one connection's buffers; one more and the connection is aborted.</summary>
    [Range(1, 100_000)]
    public int MaxPendingSends { get; set; } = 100;

    /// <summary>
    /// Changes heard from PostgreSQL and not yet handed to SignalR. Pushing never waits for a client, so this fills
    /// only if serialising pushes falls behind the changes; beyond it a change is dropped, and logged.
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedChanges { get; set; } = 10_000;
}
