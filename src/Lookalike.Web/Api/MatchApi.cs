using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

internal static class MatchApi
{
    /// <summary><c>POST /api/match</c>: every face of an uploaded photo with its top matches.</summary>
    public static void MapMatch(this IEndpointRouteBuilder api) =>
        api.MapPost("/match", Match).DisableAntiforgery()
            .WithSummary("Every face in the uploaded photo (multipart field 'image') with its top matches; query 'prior': how likely the person is in the gallery (default 0.5)")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);

    private static async Task<Results<Ok<MatchResultJson>, ProblemHttpResult>> Match(HttpContext http, GalleryService g, int? top, double? prior, CancellationToken cancellation)
    {
        var upload = await Uploads.ReadAsync(http, g.Options, cancellation, "image");
        if (upload.Problem is { } problem) return problem;
        var analysis = await g.AnalyzeAsync(upload[0], cancellation);
        var index = g.Index;
        var results = analysis.Faces.Select(f => new FaceMatches(f, index.Search(f.Embedding, Math.Clamp(top ?? 5, 1, 50)))).ToList();
        return TypedResults.Ok(g.ForClient(Contracts.Match(null, analysis, results, index, thumbnails: true, calibration: g.Pipeline.Calibration,
            prior: Math.Clamp(prior ?? OpenSetProbability.DefaultPrior, 0, 1)), http));
    }
}
