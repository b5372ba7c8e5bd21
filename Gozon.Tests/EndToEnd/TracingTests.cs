using System.Diagnostics;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.EndToEnd;

/// <summary>The services' spans, as their OTLP exporters send them (to the dashboard in <c>dotnet run</c>, to the test here).</summary>
[Collection(GozonSystemCollection.Name)]
public sealed class TracingTests(GozonAppFixture system)
{
    private readonly GozonApi _api = new(system.Gateway);

    [Fact]
    public async Task One_trace_runs_from_the_HTTP_request_through_the_outbox_broker_and_payment_back_to_the_order()
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 100);
        var traceId = ActivityTraceId.CreateRandom().ToHexString();

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/orders", user, """{"amount":5,"description":"a traced book"}""",
            headers: new() { ["traceparent"] = $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01" });
        var order = await GozonApi.ReadAsync<OrderDto>(response, System.Net.HttpStatusCode.Accepted);
        Assert.Equal("Finished", (await _api.WaitForFinalStatusAsync(user, order.Id)).Status);

        // Exporters flush every second (see GozonAppFixture); a parent span ends, and may be exported, after its children.
        var spans = await Eventually.UntilAsync(
            () => Task.FromResult(system.Traces.SpansOf(traceId)),
            s => MissingHops(s).Count == 0 && Roots(s).Count == 1,
            $"every hop of trace {traceId} to be exported",
            TimeSpan.FromSeconds(60));

        Assert.Empty(MissingHops(spans));
        // One tree: every span's parent is in the trace but for the first hop's, which is the test's own traceparent.
        var root = Assert.Single(Roots(spans));
        Assert.Equal("gateway", root.Service);
    }

    private static List<string> MissingHops(IReadOnlyList<ReceivedSpan> spans)
    {
        var hops = new (string Hop, Func<ReceivedSpan, bool> Matches)[]
        {
            ("gateway: HTTP request", s => s is { Service: "gateway", Kind: ReceivedSpan.Server }),
            ("orders: POST /api/orders", s => s is { Service: "orders", Kind: ReceivedSpan.Server } && s.Name.Contains("/api/orders", StringComparison.Ordinal)),
            ("orders: outbox publishes PayOrder", s => s is { Service: "orders", Kind: ReceivedSpan.Producer } && s.Name.Contains("PayOrder", StringComparison.Ordinal)),
            ("payments: processes PayOrder", s => s is { Service: "payments", Kind: ReceivedSpan.Consumer } && s.Name.Contains("PayOrder", StringComparison.Ordinal)),
            ("payments: outbox publishes PaymentSucceeded", s => s is { Service: "payments", Kind: ReceivedSpan.Producer } && s.Name.Contains("PaymentSucceeded", StringComparison.Ordinal)),
            ("orders: processes PaymentSucceeded", s => s is { Service: "orders", Kind: ReceivedSpan.Consumer } && s.Name.Contains("PaymentSucceeded", StringComparison.Ordinal)),
        };
        return [.. hops.Where(hop => !spans.Any(hop.Matches)).Select(hop => hop.Hop)];
    }

    private static List<ReceivedSpan> Roots(IReadOnlyList<ReceivedSpan> spans)
    {
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        return [.. spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId))];
    }
}
