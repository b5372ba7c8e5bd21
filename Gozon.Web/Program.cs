var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();

var app = builder.Build();

app.MapDefaultEndpoints();

// A landing page until the interactive front end lands: it points at the gateway the AppHost announced.
app.MapGet("/", (IConfiguration configuration) =>
{
    var gateway = configuration["services:gateway:http:0"] ?? "http://localhost:5080";
    return Results.Content($$"""
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Gozon</title>
        <style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}</style>
        </head><body>
        <h1>Gozon</h1>
        <p>Orders and payments talking through RabbitMQ, with an outbox and an inbox on each side.</p>
        <p>The shop front end is on its way. Meanwhile, try the API through the gateway:
        <a href="{{gateway}}/scalar/">{{gateway}}/scalar/</a>.</p>
        </body></html>
        """, "text/html");
});

app.Run();
