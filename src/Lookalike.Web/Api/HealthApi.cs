using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>The answer of <c>GET /health</c>; <c>version</c> is the one in Directory.Build.props.</summary>
public sealed record HealthJson(string Status, string? Version, string Model, int Faces, int Identities);

internal static class HealthApi
{
    private static readonly string? Version =
        typeof(GalleryService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;

    /// <summary><c>GET /health</c>: public, 200 once the models are loaded.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", (GalleryService g) => TypedResults.Ok(new HealthJson("ok", Version, g.Pipeline.ModelId, g.Index.Count, g.Index.IdentityCount)))
            .WithSummary("200 once the models are loaded");
}
