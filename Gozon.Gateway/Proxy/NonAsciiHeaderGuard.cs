namespace Gozon.Gateway.Proxy;

/// <summary>
/// HTTP/1.1 header values are ASCII; Kestrel lets others in, but the proxy cannot forward them and would
/// answer 502. Refuse them at the edge with a 400 that names the header instead.
/// </summary>
public sealed class NonAsciiHeaderGuard(RequestDelegate next, IProblemDetailsService problemDetails)
{
    public async Task InvokeAsync(HttpContext context)
    {
        foreach (var (name, values) in context.Request.Headers)
        {
            foreach (var value in values)
            {
                if (value is not null && !System.Text.Ascii.IsValid(value))
                {
                    var detail = $"The {name} header must contain only ASCII characters.";
                    context.Response.StatusCode = StatusCodes.Status400BadRequest;
                    // A client whose Accept rules out JSON cannot get a problem document: it gets the reason as text.
                    if (!await problemDetails.TryWriteAsync(new ProblemDetailsContext
                        {
                            HttpContext = context,
                            ProblemDetails =
                            {
                                Status = StatusCodes.Status400BadRequest,
                                Title = "The request is invalid.",
                                Detail = detail,
                            },
                        }))
                    {
                        await context.Response.WriteAsync(detail);
                    }

                    return;
                }
            }
        }

        await next(context);
    }
}
