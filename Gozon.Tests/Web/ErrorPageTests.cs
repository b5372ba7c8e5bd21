using System.Diagnostics;
using System.Net;
using Gozon.Web.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Gozon.Tests.Web;

/// <summary>
/// Gozon.Web in Production, in memory: an unhandled exception while serving a request is answered with the shop's
/// error page (status 500), which shows the request id for support and nothing of the exception.
/// </summary>
public sealed class ErrorPageTests(ErrorPageTests.ProductionWeb web) : IClassFixture<ErrorPageTests.ProductionWeb>
{
    private const string ThrowingPath = "/test-only/throw";
    private const string Secret = "connection string Password=hunter2";

    [Fact]
    public async Task An_unhandled_exception_is_answered_with_the_error_page_the_request_id_and_no_details()
    {
        using var client = web.CreateClient();
        var traceId = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Get, ThrowingPath);
        request.Headers.Add("traceparent", $"00-{traceId.ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-01");

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("Something went wrong", html, StringComparison.Ordinal);
        Assert.Contains($"<code class=\"request-id\">{traceId.ToHexString()}</code>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", html, StringComparison.Ordinal);
        Assert.DoesNotContain(nameof(InvalidOperationException), html, StringComparison.Ordinal);
        // Static: the page must not depend on a circuit (the shop's layout would show "Loading the shop…" forever).
        Assert.DoesNotContain("Loading the shop", html, StringComparison.Ordinal);
    }

    public sealed class ProductionWeb : WebApplicationFactory<GatewayClient>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder) => builder
            .UseEnvironment("Production")
            .ConfigureServices(services => services.AddSingleton<IStartupFilter, ThrowingEndpoint>());
    }

    // Appended after the app's whole pipeline: a request no endpoint took arrives here, inside UseExceptionHandler,
    // as an exception thrown by a page or an endpoint would.
    private sealed class ThrowingEndpoint : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            next(app);
            app.Use((HttpContext context, RequestDelegate rest) =>
                context.Request.Path == ThrowingPath ? throw new InvalidOperationException(Secret) : rest(context));
        };
    }
}
