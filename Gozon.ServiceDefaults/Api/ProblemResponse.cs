using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;

namespace Gozon.ServiceDefaults.Api;

/// <summary>
/// A problem answer written by middleware (no endpoint result to return). TryWriteAsync, not WriteAsync: a client whose
/// Accept rules out JSON gets the status alone, where WriteAsync would throw and turn it into a 500.
/// </summary>
public static class ProblemResponse
{
    public static async Task WriteAsync(HttpContext context, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = status, Title = title, Detail = detail },
        });
    }
}
