using Gozon.ServiceDefaults.Api;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace Gozon.Gateway.Proxy;

/// <summary>
/// What a service learns about the caller comes from the gateway alone: whatever identity headers the client sent are
/// dropped, the signed-in shopper becomes <c>X-User-Id</c>, and the gateway's key proves the header is the gateway's.
/// The client's token stays at the edge (the services never need it), in the header and in the hub's query string.
/// </summary>
public static class CallerHeaders
{
    public static IReverseProxyBuilder AddCallerHeaders(this IReverseProxyBuilder proxy) =>
        proxy.AddTransforms(builder =>
        {
            var key = builder.Services.GetRequiredService<IOptions<GatewayKeyOptions>>().Value.Key;
            builder.AddRequestTransform(transform =>
            {
                var headers = transform.ProxyRequest.Headers;
                headers.Remove(UserId.HeaderName);
                headers.Remove(GatewayKeyOptions.HeaderName);
                headers.Remove(HeaderNames.Authorization);
                transform.Query.Collection.Remove("access_token");
                transform.Query.Collection.Remove(UserId.QueryName);
                headers.TryAddWithoutValidation(GatewayKeyOptions.HeaderName, key);
                if (transform.HttpContext.User.Identity is { IsAuthenticated: true, Name: { } userName })
                {
                    headers.TryAddWithoutValidation(UserId.HeaderName, userName);
                }

                return ValueTask.CompletedTask;
            });
        });
}
