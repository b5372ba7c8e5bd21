using Gozon.Messaging.Contracts;
using Gozon.Orders.Orders;

namespace Gozon.Tests.Unit;

public sealed class OrderTests
{
    [Fact]
    public void A_placed_order_is_new_and_stamped()
    {
        var now = DateTimeOffset.UtcNow;

        var order = Order.Place("u", 5, "d", "key", now);

        Assert.Equal(OrderStatus.New, order.Status);
        Assert.Null(order.FailureReason);
        Assert.Equal(now, order.CreatedAt);
        Assert.Equal(now, order.UpdatedAt);
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
        var order = Order.Place("u", 5, "d", "key", DateTimeOffset.UtcNow);

        Assert.True(order.IsSameRequest(5.00m, "d"));
        Assert.False(order.IsSameRequest(6, "d"));
        Assert.False(order.IsSameRequest(5, "e"));
    }
}
