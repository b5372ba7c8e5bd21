using System.Net;
using Gozon.ServiceDefaults.Api;

namespace Gozon.Gateway.Identity;

/// <summary>
/// The address a sign-in attempt is counted against. Gozon.Web signs its shoppers in from its own address, so it names
/// each shopper's in <c>X-Forwarded-For</c> and proves with its key (<see cref="GatewayIdentityOptions.FrontEndKey"/>) that
/// the header is its own; from anyone else the header is ignored, or any client could pick a fresh address per attempt.
/// </summary>
public sealed class SignInClientAddress(string frontEndKey)
{
    public const string FrontEndKeyHeader = "X-Gozon-Front-End-Key";
    private const string ForwardedForHeader = "X-Forwarded-For";

    private readonly SharedKey _key = new(frontEndKey);

    public string Of(HttpRequest request)
    {
        var own = request.HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        return FromFrontEnd(request)
            && request.Headers[ForwardedForHeader] is [{ } forwarded]
            && IPAddress.TryParse(forwarded.Split(',')[0].Trim(), out var shopper)
            ? shopper.ToString()
            : own;
    }

    private bool FromFrontEnd(HttpRequest request) => _key.IsPresentedIn(request, FrontEndKeyHeader);
}
