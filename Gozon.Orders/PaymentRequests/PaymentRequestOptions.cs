using System.ComponentModel.DataAnnotations;

namespace Gozon.Orders.PaymentRequests;

/// <summary>When Orders asks Payments again about an order that is still <c>New</c> (section <c>Gozon:Orders</c>).</summary>
public sealed class PaymentRequestOptions
{
    public const string SectionName = "Gozon:Orders";

    /// <summary>
    /// How long an order may stay <c>New</c> before <c>PayOrder</c> is sent again: longer than a payment takes under load
    /// (the bench's closed loop queues for ~1 s), short enough that a lost message costs a shopper seconds, not forever.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PaymentTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The wait between requests doubles from <see cref="PaymentTimeout"/> up to this.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan MaxPaymentRequestInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How often the due orders are looked for.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:01:00")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 100;

    /// <summary>When request <paramref name="requests"/> + 1 is due, after <paramref name="requests"/> were sent.</summary>
    public TimeSpan DelayAfter(int requests) =>
        TimeSpan.FromTicks(Math.Min(MaxPaymentRequestInterval.Ticks,
            PaymentTimeout.Ticks * (1L << Math.Clamp(requests - 1, 0, 30))));
}
