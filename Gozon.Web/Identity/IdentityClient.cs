using System.Net.Http.Json;
using System.Text.Json;
using Gozon.Web.Gateway;

namespace Gozon.Web.Identity;

/// <summary>
/// The gateway's identity endpoints (<c>/api/identity/*</c>). Its HTTP client never retries (Program.cs): a
/// retried login counts twice toward the lockout and the rate limits, and a retried refresh presents a refresh
/// token the first attempt may already have used up.
/// </summary>
public sealed partial class IdentityClient(IHttpClientFactory httpClients, IConfiguration configuration, ILogger<IdentityClient> logger)
{
    public const string HttpClientName = "gateway-identity";
    // The AppHost and deploy/ give the gateway and Gozon.Web the same key; without it the gateway ignores the address.
    private const string FrontEndKeyHeader = "X-Gozon-Front-End-Key";
    private readonly string? _frontEndKey = configuration["Gozon:Identity:FrontEndKey"];

    public Task<ApiResult<Registered>> RegisterAsync(string userName, string password, string? shopperAddress, CancellationToken cancellationToken) =>
        PostAsync<Registered>("api/identity/register", new { userName, password }, shopperAddress, cancellationToken);

    public Task<ApiResult<TokenResponse>> LoginAsync(string userName, string password, string? shopperAddress, CancellationToken cancellationToken) =>
        PostAsync<TokenResponse>("api/identity/login", new { userName, password }, shopperAddress, cancellationToken);

    public Task<ApiResult<TokenResponse>> RefreshAsync(string refreshToken, CancellationToken cancellationToken) =>
        PostAsync<TokenResponse>("api/identity/refresh", new { refreshToken }, shopperAddress: null, cancellationToken);

    private async Task<ApiResult<T>> PostAsync<T>(string path, object body, string? shopperAddress, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = JsonContent.Create(body, options: ApiResponses.Json),
        };
        // Every shopper's sign-in reaches the gateway from Gozon.Web's address: this names the shopper's, and the key
        // vouches for it, so the gateway limits attempts per shopper rather than per shop.
        if (shopperAddress is not null && !string.IsNullOrEmpty(_frontEndKey))
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", shopperAddress);
            request.Headers.TryAddWithoutValidation(FrontEndKeyHeader, _frontEndKey);
        }

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            return await ApiResponses.ReadAsync<T>(response, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException
                                          && !cancellationToken.IsCancellationRequested)
        {
            LogCallFailed(exception, path);
            return ApiProblem.Unreachable("Signing in is not possible right now; please try again in a moment.");
        }
    }

    [LoggerMessage(LogLevel.Warning, "POST {Path} through the gateway failed")]
    private partial void LogCallFailed(Exception exception, string path);
}
