using Scalar.AspNetCore;

namespace Lookalike.Web;

/// <summary>Builds the web app: the page, the REST API and its OpenAPI document, over one <see cref="GalleryService"/>.</summary>
public static class WebApp
{
    public static WebApplication Build(WebOptions options, string[]? args = null, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args ?? [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = Path.Combine(AppContext.BaseDirectory, "wwwroot"),
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<GalleryService>();
        builder.Services.AddSingleton<SignedLinks>();
        builder.Services.AddOpenApi();
        // TypedResults answer in the CLI's JSON shapes (snake_case, readable non-ASCII, every field present).
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.PropertyNamingPolicy = Contracts.Json.PropertyNamingPolicy;
            json.SerializerOptions.WriteIndented = Contracts.Json.WriteIndented;
            json.SerializerOptions.Encoder = Contracts.Json.Encoder;
            json.SerializerOptions.DefaultIgnoreCondition = Contracts.Json.DefaultIgnoreCondition;
        });
        builder.Services.AddProblemDetails(p => p.CustomizeProblemDetails = Problems.AddErrorMember);
        builder.Services.AddLimits(options);
        if (options.AllowedHosts.Count > 0)
            // Host filtering (on by default, "*"): requests for any other Host get 400, which defeats DNS rebinding.
            builder.Configuration["AllowedHosts"] = string.Join(';', options.AllowedHosts);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = options.MaxUploadBytes * 2 + 128 * 1024);
        configure?.Invoke(builder);

        var app = builder.Build();
        // The one general catch, at the request's edge: an unexpected exception is a 500 problem without details.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "no-referrer";
            headers.XFrameOptions = "DENY";
            if (context.Request.Path.StartsWithSegments("/api/gallery/map"))
                // The map is one page (inline style and script) whose faces come from this server's thumbnail URLs.
                headers.ContentSecurityPolicy = "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; script-src 'unsafe-inline'; frame-ancestors 'none'";
            else if (!context.Request.Path.StartsWithSegments("/scalar"))
                headers.ContentSecurityPolicy = "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'";
            await next();
        });
        app.UseLimits(options);
        app.UseWebSockets(new WebSocketOptions { KeepAliveInterval = TimeSpan.FromSeconds(30) });
        app.UseDefaultFiles();
        app.UseStaticFiles();
        app.MapOpenApi();
        app.MapScalarApiReference();
        app.MapLookalikeApi();
        // Load the models and the gallery now, not on the first request.
        app.Services.GetRequiredService<GalleryService>();
        return app;
    }
}
