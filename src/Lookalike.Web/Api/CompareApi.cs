using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>The compare answer when one photo has no face: no similarity, no verdict, the reason.</summary>
public sealed record CompareNoFaceJson(double? Similarity, bool? Same, string Reason);

internal static class CompareApi
{
    /// <summary><c>POST /api/compare</c>: similarity and verdict for the largest faces of two photos.</summary>
    public static void MapCompare(this IEndpointRouteBuilder api) =>
        api.MapPost("/compare", Compare).DisableAntiforgery()
            .WithSummary("Similarity, likeness and verdict for the largest face in 'a' and in 'b' (multipart); query 'prior': how likely 'same' was beforehand")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);

    private static async Task<Results<Ok<CompareResultJson>, Ok<CompareNoFaceJson>, ProblemHttpResult>> Compare(HttpContext http, GalleryService g, double? prior, CancellationToken cancellation)
    {
        var upload = await Uploads.ReadAsync(http, g.Options, cancellation, "a", "b");
        if (upload.Problem is { } problem) return problem;
        var a = (await g.AnalyzeAsync(upload[0], cancellation)).Largest;
        var b = (await g.AnalyzeAsync(upload[1], cancellation)).Largest;
        if (a is null || b is null) return TypedResults.Ok(new CompareNoFaceJson(null, null, $"no face found in {(a is null ? "a" : "b")}"));
        return TypedResults.Ok(Contracts.Compare(a, null, b, null, g.Pipeline.Calibration, prior is { } p ? Math.Clamp(p, 0, 1) : null));
    }
}
