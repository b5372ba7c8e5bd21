using System.Net;
using System.Text.Json;
using Gozon.Tests.Infrastructure;

namespace Gozon.Tests.EndToEnd;

[Collection(GozonSystemCollection.Name)]
public sealed class GatewayTests(GozonAppFixture system)
{
    [Theory]
    [InlineData("/openapi/orders.json", "/api/orders")]
    [InlineData("/openapi/payments.json", "/api/payments/accounts/topup")]
    public async Task Each_services_OpenAPI_document_is_served_through_the_gateway(string document, string path)
    {
        using var response = await system.Gateway.GetAsync(document);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(json.RootElement.GetProperty("paths").TryGetProperty(path, out _), $"{document} documents {path}");
        // No server URLs: clients call relative to the gateway, never a service directly.
        Assert.False(json.RootElement.TryGetProperty("servers", out var servers) && servers.GetArrayLength() > 0);
    }

    [Fact]
    public async Task The_API_reference_UI_and_its_script_are_served_by_the_gateway_itself()
    {
        var html = await system.Gateway.GetStringAsync("/scalar/");
        using var script = await system.Gateway.GetAsync("/scalar/scalar.js");

        Assert.Contains("scalar.js", html);
        Assert.DoesNotContain("cdn.", html);
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        Assert.True((await script.Content.ReadAsByteArrayAsync()).Length > 10_000, "the UI bundle is served locally");
    }

    [Fact]
    public async Task Unknown_paths_get_a_problem_response()
    {
        using var response = await system.Gateway.GetAsync("/no/such/thing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("gateway")]
    [InlineData("web")]
    public async Task Health_and_liveness_answer(string resource)
    {
        using var http = system.App.CreateHttpClient(resource);

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/alive")).StatusCode);
    }

    [Fact]
    public async Task The_web_front_end_serves_the_shop_and_every_asset_itself()
    {
        using var web = system.App.CreateHttpClient("web");

        var html = await web.GetStringAsync("/");
        var assets = System.Text.RegularExpressions.Regex.Matches(html, "(?:src|href)=\"([^\"]+)\"")
            .Select(m => m.Groups[1].Value)
            .Where(url => url != "/")
            .ToList();

        Assert.Contains(assets, url => url.Contains("blazor.web", StringComparison.Ordinal));
        Assert.Contains(assets, url => url.EndsWith(".css", StringComparison.Ordinal));
        foreach (var asset in assets)
        {
            // Not Uri.TryCreate(…, Absolute): on Linux "/account/sign-up" is an absolute (file) URI.
            Assert.False(asset.StartsWith("//", StringComparison.Ordinal) || asset.Contains("://", StringComparison.Ordinal),
                $"{asset} is loaded from elsewhere (no CDN at run time)");
            Assert.Equal(HttpStatusCode.OK, (await web.GetAsync(asset)).StatusCode);
        }
    }
}
