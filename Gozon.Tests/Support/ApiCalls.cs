namespace Gozon.Tests.Support;

/// <summary>One harmless call of each operation of the public API, with a body where it needs one.</summary>
public static class ApiCalls
{
    public static IReadOnlyList<(HttpMethod Method, string Path, string? Body)> EveryOperation() =>
    [
        (HttpMethod.Post, "/api/payments/accounts", null),
        (HttpMethod.Post, "/api/payments/accounts/topup", """{"amount":5}"""),
        (HttpMethod.Get, "/api/payments/accounts/balance", null),
        (HttpMethod.Post, "/api/orders", """{"amount":5,"description":"x"}"""),
        (HttpMethod.Get, "/api/orders", null),
        (HttpMethod.Get, $"/api/orders/{Guid.NewGuid()}", null),
    ];
}
