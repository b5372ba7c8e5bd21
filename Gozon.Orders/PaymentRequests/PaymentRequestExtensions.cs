namespace Gozon.Orders.PaymentRequests;

public static class PaymentRequestExtensions
{
    /// <summary>Asks again about orders that stay <c>New</c> longer than the payment timeout (<see cref="PaymentRequestRetrier"/>).</summary>
    public static IHostApplicationBuilder AddPaymentRequestRetries(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentRequestOptions>()
            .BindConfiguration(PaymentRequestOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<PaymentRequestRetrier>();
        return builder;
    }
}
