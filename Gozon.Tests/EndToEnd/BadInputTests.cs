using System.Net;
using System.Text.Json;
using Gozon.Tests.Infrastructure;
using Gozon.Tests.Support;

namespace Gozon.Tests.EndToEnd;

/// <summary>Every class of bad input gets a problem response (never a 500) and changes nothing.</summary>
[Collection(GozonSystemCollection.Name)]
public sealed class BadInputTests(GozonAppFixture system)
{
    private readonly GozonApi _api = new(system.Gateway);

    public static TheoryData<string, string> BadAmounts => new()
    {
        { """{"amount":"10"}""", "amount as a string" },
        { """{"amount":0}""", "zero" },
        { """{"amount":-5}""", "negative" },
        { """{"amount":1.005}""", "three decimals" },
        { """{"amount":1000000000.01}""", "over the maximum" },
        { """{"amount":1e400}""", "out of range" },
        { """{"amount":null}""", "null" },
        { """{}""", "missing" },
        { """{"amount":true}""", "a boolean" },
        { """{"amount":""", "truncated JSON" },
        { """not json""", "not JSON" },
        { """[]""", "an array" },
    };

    public static TheoryData<string?> BadUserIds => new()
    {
        null,
        "",
        new string('a', 65),
        "has space",
        "semi;colon",
        "ünïcode",
    };

    [Theory]
    [MemberData(nameof(BadAmounts))]
    public async Task A_bad_top_up_amount_is_400_and_the_balance_is_unchanged(string body, string why)
    {
        var user = system.NewUserId();
        await _api.OpenAccountWithAsync(user, 10);

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/payments/accounts/topup", user, body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, why);
        Assert.Equal(10m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Theory]
    [MemberData(nameof(BadAmounts))]
    public async Task A_bad_order_amount_is_400_and_no_order_is_created(string body, string why)
    {
        var user = system.NewUserId();
        var orderBody = body.StartsWith('{') && body.EndsWith('}') && body.Length > 2
            ? body.TrimEnd('}') + ""","description":"x"}"""
            : body;

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/orders", user, orderBody);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, why);
        Assert.Empty(await _api.ListOrdersAsync(user));
    }

    [Theory]
    [InlineData("""{"amount":5}""", "missing description")]
    [InlineData("""{"amount":5,"description":""}""", "empty description")]
    [InlineData("""{"amount":5,"description":"   "}""", "blank description")]
    [InlineData("""{"amount":5,"description":42}""", "description as a number")]
    [InlineData("""{"amount":5,"description":"a\u0000b"}""", "NUL in the description")]
    [InlineData("""{"amount":5,"description":"line\nbreak"}""", "a newline in the description")]
    [InlineData("""{"amount":5,"description":"half \ud800 a pair"}""", "an unpaired surrogate in the description")]
    public async Task A_bad_description_is_400_and_no_order_is_created(string body, string why)
    {
        var user = system.NewUserId();

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/orders", user, body);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, why);
        Assert.Empty(await _api.ListOrdersAsync(user));
    }

    [Fact]
    public async Task A_description_over_500_characters_is_400_and_exactly_500_is_accepted()
    {
        var user = system.NewUserId();

        using var tooLong = await _api.SendAsync(HttpMethod.Post, "/api/orders", user,
            JsonSerializer.Serialize(new { amount = 1, description = new string('x', 501) }));
        await AssertProblemAsync(tooLong, HttpStatusCode.BadRequest, "501 characters");
        Assert.Empty(await _api.ListOrdersAsync(user));

        await _api.PlaceOrderAsync(user, 1, new string('x', 500));
    }

    [Theory]
    [MemberData(nameof(BadUserIds))]
    public async Task A_missing_or_malformed_user_id_from_the_gateway_is_400_on_every_endpoint(string? userId)
    {
        // The gateway always sends a valid one; the services still check what they are given, so they are called directly.
        using var orders = system.App.CreateTrustedServiceClient(system.App.Replicas("orders")[0].HttpEndpoint);
        using var payments = system.App.CreateTrustedServiceClient(system.App.Replicas("payments")[0].HttpEndpoint);
        var calls = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "/api/payments/accounts", null),
            (HttpMethod.Post, "/api/payments/accounts/topup", """{"amount":5}"""),
            (HttpMethod.Get, "/api/payments/accounts/balance", null),
            (HttpMethod.Post, "/api/orders", """{"amount":5,"description":"x"}"""),
            (HttpMethod.Get, "/api/orders", null),
            (HttpMethod.Get, $"/api/orders/{Guid.NewGuid()}", null),
        };
        foreach (var (method, path, body) in calls)
        {
            using var request = new HttpRequestMessage(method, path);
            if (userId is not null)
            {
                request.Headers.TryAddWithoutValidation(GozonApi.UserHeader, userId);
            }

            if (body is not null)
            {
                request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
            }

            using var response = await (path.StartsWith("/api/orders", StringComparison.Ordinal) ? orders : payments).SendAsync(request);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, $"{method} {path} with user '{userId}'");
        }
    }

    [Fact]
    public async Task A_user_id_of_64_allowed_characters_is_accepted()
    {
        var user = ("a-b_c.9" + system.NewUserId()).PadRight(64, 'z')[..64];

        var account = await _api.CreateAccountAsync(user);

        Assert.Equal(user, account.UserId);
    }

    [Fact]
    public async Task Account_errors_are_409_for_a_second_account_and_404_without_one()
    {
        var user = system.NewUserId();
        using (var noBalance = await _api.SendAsync(HttpMethod.Get, "/api/payments/accounts/balance", user))
        {
            await AssertProblemAsync(noBalance, HttpStatusCode.NotFound, "balance without account");
        }

        using (var noTopUp = await _api.SendAsync(HttpMethod.Post, "/api/payments/accounts/topup", user, """{"amount":5}"""))
        {
            await AssertProblemAsync(noTopUp, HttpStatusCode.NotFound, "top-up without account");
        }

        await _api.OpenAccountWithAsync(user, 5);
        using var second = await _api.SendAsync(HttpMethod.Post, "/api/payments/accounts", user);
        await AssertProblemAsync(second, HttpStatusCode.Conflict, "second account");
        Assert.Equal(5m, (await _api.GetBalanceAsync(user)).Balance);
    }

    [Theory]
    [InlineData("/api/orders/not-a-guid")]
    [InlineData("/api/orders?limit=0")]
    [InlineData("/api/orders?limit=abc")]
    public async Task Bad_order_queries_get_a_problem_response(string path)
    {
        using var response = await _api.SendAsync(HttpMethod.Get, path, system.NewUserId());

        Assert.True(response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.NotFound, $"{path}: {response.StatusCode}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_malformed_idempotency_key_is_400_and_creates_nothing()
    {
        var user = system.NewUserId();

        using var response = await _api.SendAsync(HttpMethod.Post, "/api/orders", user,
            """{"amount":5,"description":"x"}""", idempotencyKey: new string('k', 201));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "201-character key");
        Assert.Empty(await _api.ListOrdersAsync(user));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected, string why)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(expected == response.StatusCode, $"{why}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal((int)expected, problem.RootElement.GetProperty("status").GetInt32());
        Assert.True(problem.RootElement.TryGetProperty("detail", out _) || problem.RootElement.TryGetProperty("errors", out _),
            $"{why}: the problem says what is wrong: {body}");
    }
}
