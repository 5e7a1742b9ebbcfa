using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

internal static class ExplainApi
{
    /// <summary><c>POST /api/explain</c>: heat-maps of what makes two faces alike (PNG).</summary>
    public static void MapExplain(this IEndpointRouteBuilder api) =>
        api.MapPost("/explain", Explain).DisableAntiforgery()
            .WithSummary("PNG heat-maps of the regions that make the largest faces of 'a' and 'b' (multipart) alike")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Explain(HttpContext http, GalleryService g, CancellationToken cancellation)
    {
        var upload = await Uploads.ReadAsync(http, g.Options, cancellation, "a", "b");
        if (upload.Problem is { } problem) return problem;
        var png = await g.ExplainAsync(upload[0], upload[1], cancellation);
        return png is null ? Problems.Of(422, "no face found in one of the photos") : TypedResults.File(png, "image/png");
    }
}
