using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;

namespace Lookalike.Web;

/// <summary>
/// Request limits and the client's address. Only /api is rate-limited (health, the page, the API docs and face
/// thumbnails, which a map fetches by the thousand, are not):
/// <see cref="WebOptions.RateLimitPerMinute"/> per client address, and a separate bucket per address for requests
/// carrying the API key, so anonymous bursts never lock the operator out. A refused request gets 429 with
/// <c>Retry-After</c> and a problem body. <c>X-Forwarded-For</c> is believed only from <see cref="WebOptions.TrustedProxies"/>.
/// </summary>
internal static class Limits
{
    public static void AddLimits(this IServiceCollection services, WebOptions options)
    {
        if (options.TrustedProxies.Count > 0)
        {
            services.Configure<ForwardedHeadersOptions>(f =>
            {
                f.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
                f.KnownProxies.Clear();
                f.KnownIPNetworks.Clear();
                foreach (var proxy in options.TrustedProxies)
                {
                    if (System.Net.IPNetwork.TryParse(proxy, out var network)) f.KnownIPNetworks.Add(network);
                    else f.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        }
        if (options.RateLimitPerMinute <= 0) return;
        services.AddRateLimiter(r =>
        {
            r.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            r.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                if (!context.Request.Path.StartsWithSegments("/api") || ThumbnailApi.IsThumbnail(context.Request)) return RateLimitPartition.GetNoLimiter("unlimited");
                var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
                var keyed = !string.IsNullOrEmpty(options.ApiKey)
                    && AccessFilter.HasKey(context.Request.Headers[Api.ApiKeyHeader].ToString(), options.ApiKey);
                return RateLimitPartition.GetFixedWindowLimiter((keyed ? "key:" : "client:") + address, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.RateLimitPerMinute,
                    Window = options.RateLimitWindow,
                    QueueLimit = 0,
                });
            });
            r.OnRejected = async (rejected, cancellation) =>
            {
                var http = rejected.HttpContext;
                var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Problems.Of(StatusCodes.Status429TooManyRequests,
                    $"over {options.RateLimitPerMinute} requests a minute from this address: retry in {seconds} s").ExecuteAsync(http);
            };
        });
    }

    public static void UseLimits(this WebApplication app, WebOptions options)
    {
        if (options.TrustedProxies.Count > 0) app.UseForwardedHeaders();
        if (options.RateLimitPerMinute > 0) app.UseRateLimiter();
    }
}
