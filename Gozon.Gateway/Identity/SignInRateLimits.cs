using System.Globalization;
using System.Threading.RateLimiting;
using Gozon.ServiceDefaults.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Gozon.Gateway.Identity;

/// <summary>
/// Register and login are limited twice (ASP.NET Core rate limiting, fixed windows): per client address by the
/// middleware, before the body is read, and per user name inside the endpoint, once the name is known, so that
/// guessing one shopper's password from many addresses is limited too. A refused attempt is a 429 problem with
/// <c>Retry-After</c>.
/// </summary>
public sealed class SignInRateLimits : IDisposable
{
    public const string PerAddressPolicy = "sign-in-per-address";

    private readonly PartitionedRateLimiter<string> _perUserName;

    public SignInRateLimits(IOptions<GatewayIdentityOptions> options)
    {
        var limit = options.Value.RateLimits.PerUserName;
        // Identity's normalised form: "Alice" and "alice" are one account, so they share one budget.
        _perUserName = PartitionedRateLimiter.Create<string, string>(userName =>
            RateLimitPartition.GetFixedWindowLimiter(userName.ToUpperInvariant(), _ => Window(limit)));
    }

    public static void AddPerAddressPolicy(RateLimiterOptions limiter, GatewayIdentityOptions options)
    {
        var limit = options.RateLimits.PerAddress;
        var frontEnd = new SignInClientAddress(options.FrontEndKey);
        limiter.AddPolicy(PerAddressPolicy, context => RateLimitPartition.GetFixedWindowLimiter(
            frontEnd.Of(context.Request), _ => Window(limit)));
        limiter.OnRejected = (rejected, cancellationToken) => WriteTooManyAsync(rejected.HttpContext, rejected.Lease, "this address", cancellationToken);
    }

    /// <summary>A permit for one attempt on <paramref name="userName"/>; dispose the lease when done.</summary>
    public RateLimitLease AcquirePerUserName(string userName) => _perUserName.AttemptAcquire(userName);

    /// <summary>The 429 problem for a refused lease, with <c>Retry-After</c> when the limiter knows it.</summary>
    public static IResult TooMany(HttpContext context, RateLimitLease lease, string who)
    {
        SetRetryAfter(context, lease);
        return TypedResults.Problem(Describe(who), statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts");
    }

    public void Dispose() => _perUserName.Dispose();

    private static async ValueTask WriteTooManyAsync(HttpContext context, RateLimitLease lease, string who, CancellationToken cancellationToken)
    {
        SetRetryAfter(context, lease);
        await ProblemResponse.WriteAsync(context, StatusCodes.Status429TooManyRequests, "Too many attempts", Describe(who));
    }

    private static void SetRetryAfter(HttpContext context, RateLimitLease lease)
    {
        if (lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
    }

    private static string Describe(string who) =>
        $"Too many sign-in or registration attempts from {who}: wait for the time in Retry-After, then try again.";

    private static FixedWindowRateLimiterOptions Window(FixedWindow limit) => new()
    {
        PermitLimit = limit.PermitLimit,
        Window = limit.Window,
        QueueLimit = 0,
        AutoReplenishment = true,
    };
}
