using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>The answer of <c>GET /health</c>.</summary>
public sealed record HealthJson(string Status, string Model, int Faces, int Identities);

internal static class HealthApi
{
    /// <summary><c>GET /health</c>: public, 200 once the models are loaded.</summary>
    public static void MapHealth(this IEndpointRouteBuilder app) =>
        app.MapGet("/health", (GalleryService g) => TypedResults.Ok(new HealthJson("ok", g.Pipeline.ModelId, g.Index.Count, g.Index.IdentityCount)))
            .WithSummary("200 once the models are loaded");
}
