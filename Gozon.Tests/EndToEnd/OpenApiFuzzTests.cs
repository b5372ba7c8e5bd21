using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using FsCheck;
using FsCheck.Fluent;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;
using Microsoft.FSharp.Core;
using Npgsql;
using Xunit.Abstractions;

namespace Gozon.Tests.EndToEnd;

/// <summary>
/// Issue 15, "no input gives a 500": reads the Orders and Payments OpenAPI documents from the running services (through
/// the gateway, which serves each service's /openapi/v1.json), and sends FsCheck-generated requests for every path and
/// method through the gateway: schema-derived JSON bodies with fields left out, added, of the wrong type, huge, negative,
/// zero, with three decimals, long, with control characters, NUL, unpaired surrogates or invalid UTF-8; odd content
/// types; random callers (X-User-Id: one of the run's signed-in users, absent, or malformed) and Idempotency-Key values;
/// random query strings and path values.
/// <para>Every response must be below 500, and every 4xx an RFC 7807 problem whose <c>status</c> is the response's
/// (a 400 also says what is wrong, as <see cref="BadInputTests"/> checks). The one exception is a request that is not
/// HTTP (a control character in a header value): the server's HTTP layer may refuse it with a bare 400; and a client
/// whose Accept header rules out JSON gets the status without a problem document, as ASP.NET Core negotiates it.</para>
/// <para>The "nothing changed" rule. Valid requests are sent too (they find bugs that only valid input reaches), so
/// each run reserves its own user ids, and the caller of every request is one of them, absent, or malformed; never
/// another valid user. Then: (1) after each request, the run's users have a new row only if the response was 2xx to
/// an operation that creates one (<see cref="Creates"/>), at most one, in that operation's table: a 4xx, or any read,
/// changed nothing; (2) over the whole run, every other user's orders, top-ups, accounts and balances (each compared
/// with what the account paid, since earlier tests' orders are still being paid) are exactly as before.</para>
/// A failure names the request (shrunk by FsCheck) and the seed; set GOZON_FUZZ_SEED to replay it.
/// </summary>
[Collection(GozonSystemCollection.Name)]
public sealed class OpenApiFuzzTests(GozonAppFixture system, ITestOutputHelper output)
{
    private const int Cases = 300;
    // A deadline against a hung run, not a timing goal: the cases take 7-20 s on the 2-core machine.
    private static readonly TimeSpan Budget = TimeSpan.FromMinutes(3);
    private static readonly string[] Documents = ["/openapi/orders.json", "/openapi/payments.json"];

    /// <summary>The operations that may create a row, and which: an operation not listed here must change nothing.</summary>
    private static readonly Dictionary<string, string> Creates = new()
    {
        ["CreateAccount"] = "accounts",
        ["TopUpAccount"] = "top_ups",
        ["CreateOrder"] = "orders",
    };

    [Fact]
    public async Task No_generated_request_gets_a_5xx_or_changes_what_it_must_not()
    {
        using var budget = new CancellationTokenSource(Budget);
        var cancellationToken = budget.Token;
        var seed = Environment.GetEnvironmentVariable("GOZON_FUZZ_SEED") is { Length: > 0 } configured
            ? ulong.Parse(configured, CultureInfo.InvariantCulture)
            : (ulong)Random.Shared.NextInt64();
        var run = Guid.NewGuid().ToString("N")[..12];
        string[] runUsers = [.. Enumerable.Range(0, 4).Select(i => $"fuzz-{run}-{i}")];

        using var http = CreateClient();
        var operations = new List<ApiOperation>();
        foreach (var document in Documents)
        {
            var documented = await OpenApiOperations.ReadAsync(http, document, cancellationToken);
            Assert.True(documented.Count > 0, $"{document} documents no operation");
            operations.AddRange(documented);
        }

        await using var orders = NpgsqlDataSource.Create(await system.GetOrdersDbConnectionStringAsync());
        await using var payments = NpgsqlDataSource.Create(await system.GetPaymentsDbConnectionStringAsync());
        var ledger = new FuzzLedger(orders, payments, runUsers);
        var othersBefore = await ledger.ReadOthersAsync(cancellationToken);
        var stats = new FuzzStats();
        var clock = Stopwatch.StartNew();

        var runner = new FsCheckResult();
        var config = Config.Quick
            .WithMaxTest(Cases)
            .WithEndSize(60)
            .WithReplay(FSharpOption<Replay>.Some(new Replay(new Rnd(seed), FSharpOption<int>.None)))
            .WithRunner(runner);
        var property = Prop.ForAll(new FuzzRequests(operations, runUsers).Arbitrary(),
            fuzzCase => CheckAsync(fuzzCase, http, ledger, stats, cancellationToken));
        // FsCheck waits for each case synchronously: off the test's synchronization context, so that cannot deadlock.
        await Task.Run(() => Check.One(config, property), cancellationToken);
        var elapsed = clock.Elapsed;

        output.WriteLine($"seed {seed}: {Cases} cases over {operations.Count} operations ({string.Join(", ", operations)}) " +
            $"in {elapsed.TotalSeconds:0.0} s; {stats}");
        Assert.False(budget.IsCancellationRequested, $"seed {seed}: {Cases} cases did not finish in {Budget.TotalSeconds:0} s; {stats}");
        if (runner.Result is { IsFailed: true } failed)
        {
            Assert.Fail($"Seed {seed} (replay with GOZON_FUZZ_SEED={seed}), {runner.Shrinks} shrinks:\n" +
                Runner.onFinishedToString("OpenApiFuzzTests", failed));
        }

        Assert.True(runner.Result is { IsPassed: true }, $"seed {seed}: FsCheck did not pass: {runner.Result}");
        Assert.Equal(othersBefore, await ledger.ReadOthersAsync(CancellationToken.None));
    }

    /// <summary>The fuzzer's first finds, kept as plain regressions.</summary>
    [Fact]
    public async Task A_JSON_body_in_an_unknown_charset_is_415_not_500()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/orders")
        {
            Content = new ByteArrayContent("{}"u8.ToArray()),
        };
        request.Headers.TryAddWithoutValidation(GozonApi.UserHeader, system.NewUserId());
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json; charset=bogus");

        using var response = await system.Gateway.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("bogus", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_non_ASCII_header_from_a_client_that_refuses_JSON_is_400_not_500()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/payments/accounts/balance");
        request.Headers.TryAddWithoutValidation("Idempotency-Key", "\u20ff");
        request.Headers.TryAddWithoutValidation("Accept", "application/xml");

        using var response = await system.Gateway.SendAsync(request);

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Idempotency-Key", await response.Content.ReadAsStringAsync());
    }

    private static async Task CheckAsync(
        FuzzCase fuzzCase, HttpClient http, FuzzLedger ledger, FuzzStats stats, CancellationToken cancellationToken)
    {
        var before = await ledger.CountRunRowsAsync(cancellationToken);
        using var request = fuzzCase.ToRequest();
        var sent = Stopwatch.GetTimestamp();
        using var response = await http.SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        stats.Add(status, Stopwatch.GetElapsedTime(sent), fuzzCase);
        var after = await ledger.CountRunRowsAsync(cancellationToken);

        Assert.True(status < 500, $"answered {status}: {body}");
        if (status >= 400)
        {
            AssertProblem(fuzzCase, response, status, body);
        }

        var mayCreate = status is >= 200 and < 300 ? Creates.GetValueOrDefault(fuzzCase.Operation.OperationId) : null;
        foreach (var (table, added) in before.Added(after))
        {
            Assert.True(added >= 0 && added <= (table == mayCreate ? 1 : 0),
                $"answered {status}, and the run's users' {table} rows changed by {added}");
        }
    }

    private static void AssertProblem(FuzzCase fuzzCase, HttpResponseMessage response, int status, string body)
    {
        if (fuzzCase.RefusesJson || (fuzzCase.BreaksHttp && status == 400 && body.Length == 0))
        {
            return;
        }

        var mediaType = response.Content.Headers.ContentType?.MediaType;
        Assert.True(mediaType == "application/problem+json", $"answered {status} as '{mediaType}', not a problem: {body}");
        using var problem = JsonDocument.Parse(body);
        var root = problem.RootElement;
        Assert.True(root.TryGetProperty("status", out var said) && said.GetInt32() == status, $"answered {status} with a problem that says otherwise: {body}");
        Assert.True(status != 400 || root.TryGetProperty("detail", out _) || root.TryGetProperty("errors", out _),
            $"answered 400 without saying what is wrong: {body}");
    }

    // The run's users are signed in (their X-User-Id becomes their token); an absent or malformed caller has no token.
    private HttpClient CreateClient() => new(system.App.Shoppers.CreateHandler(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        RequestHeaderEncodingSelector = (_, request) =>
            request?.Options.TryGetValue(FuzzCase.Latin1HeadersOption, out var latin1) == true && latin1 ? Encoding.Latin1 : Encoding.UTF8,
    }))
    {
        BaseAddress = system.Gateway.BaseAddress,
        // As the fixture's client: this machine's cores are shared, and a slow answer is not what this test is about.
        Timeout = TimeSpan.FromSeconds(30),
    };
}
