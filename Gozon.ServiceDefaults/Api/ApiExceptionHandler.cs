using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// Turns every exception that reaches the pipeline into an RFC 7807 response: malformed requests get 400
/// with a message that says what is wrong, a database that is away gets 503 with Retry-After, and only
/// a genuine bug gets 500.
/// </summary>
public sealed partial class ApiExceptionHandler(IProblemDetailsService problemDetails, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = "The request is invalid.",
                Detail = Describe(bad),
            },
            // ASP.NET Core's JSON reading throws this, not a BadHttpRequestException, for a charset it does not know.
            InvalidOperationException when UnknownCharset(httpContext.Request) is { } charset => new ProblemDetails
            {
                Status = StatusCodes.Status415UnsupportedMediaType,
                Title = "The request is invalid.",
                Detail = $"The request body's charset '{charset}' is not supported; send JSON in UTF-8.",
            },
            _ when TransientDatabaseFailure.IsTransient(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service is temporarily unavailable.",
                Detail = "Its database cannot be reached right now. Nothing was changed; retry shortly.",
            },
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "An unexpected error occurred.",
            };
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            LogUnavailable(exception.Message, httpContext.Request.Method, httpContext.Request.Path);
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = problem,
            Exception = exception,
        });
    }

    private static string? UnknownCharset(HttpRequest request)
    {
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType) || contentType.Charset.Value is not { } charset)
        {
            return null;
        }

        try
        {
            System.Text.Encoding.GetEncoding(charset.Trim('"'));
            return null;
        }
        catch (ArgumentException)
        {
            return charset;
        }
    }

    private static string Describe(BadHttpRequestException exception) => exception.InnerException switch
    {
        JsonException { Path: { Length: > 1 } path } =>
            $"The request body has an invalid value at '{path}': check its type and format (numbers must be JSON numbers).",
        JsonException => "The request body is not valid JSON.",
        _ => exception.Message,
    };

    [LoggerMessage(LogLevel.Error, "Unhandled exception for {Method} {Path}")]
    private partial void LogUnhandled(Exception exception, string method, string path);

    [LoggerMessage(LogLevel.Warning, "Answered 503 to {Method} {Path}: {Reason}")]
    private partial void LogUnavailable(string reason, string method, string path);
}
