using Gozon.Messaging.Contracts;
using Gozon.Orders.Orders;
using Gozon.Orders.PaymentRequests;

namespace Gozon.Tests.Unit;

public sealed class OrderTests
{
    [Fact]
    public void A_placed_order_is_new_and_stamped()
    {
        var now = DateTimeOffset.UtcNow;

        var order = Order.Place("u", 5, "d", "key", now, TimeSpan.FromSeconds(30));

        Assert.Equal(OrderStatus.New, order.Status);
        Assert.Null(order.FailureReason);
        Assert.Equal(now, order.CreatedAt);
        Assert.Equal(now, order.UpdatedAt);
        Assert.Equal(1, order.PaymentRequests);
        Assert.Equal(now.AddSeconds(30), order.NextPaymentRequestAt);
    }

    [Fact]
    public void Each_request_again_counts_and_sets_the_next()
    {
        var now = DateTimeOffset.UtcNow;
        var order = Order.Place("u", 5, "d", null, now, TimeSpan.FromSeconds(30));

        order.PaymentRequested(now.AddSeconds(30), TimeSpan.FromMinutes(1));

        Assert.Equal(2, order.PaymentRequests);
        Assert.Equal(now.AddSeconds(90), order.NextPaymentRequestAt);
    }

    [Theory]
    [InlineData(1, 30)]
    [InlineData(2, 60)]
    [InlineData(3, 120)]
    [InlineData(5, 480)]
    [InlineData(6, 600)]
    [InlineData(60, 600)]
    public void The_wait_between_payment_requests_doubles_up_to_the_maximum(int requests, int expectedSeconds)
    {
        var options = new PaymentRequestOptions { PaymentTimeout = TimeSpan.FromSeconds(30), MaxPaymentRequestInterval = TimeSpan.FromMinutes(10) };

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), options.DelayAfter(requests));
    }

    [Theory]
    [InlineData(null, OrderStatus.Finished)]
    [InlineData(PaymentFailureReason.InsufficientFunds, OrderStatus.Cancelled)]
    [InlineData(PaymentFailureReason.AccountNotFound, OrderStatus.Cancelled)]
    public void A_payment_outcome_decides_the_final_status(PaymentFailureReason? failure, OrderStatus expected) =>
        Assert.Equal(expected, Order.StatusAfter(failure));

    [Fact]
    public void A_repeat_is_the_same_request_only_with_the_same_amount_and_description()
    {
        var order = Order.Place("u", 5, "d", "key", DateTimeOffset.UtcNow, TimeSpan.FromSeconds(30));

        Assert.True(order.IsSameRequest(5.00m, "d"));
        Assert.False(order.IsSameRequest(6, "d"));
        Assert.False(order.IsSameRequest(5, "e"));
    }
}
