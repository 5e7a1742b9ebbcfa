using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

internal static class LiveApi
{
    /// <summary><c>POST /api/live?session=ID</c>: one webcam frame of a live session, faces tracked between frames.</summary>
    public static void MapLive(this IEndpointRouteBuilder api) =>
        api.MapPost("/live", Live).DisableAntiforgery()
            .WithSummary("One webcam frame ('image') of a live session (query 'session'): faces are tracked between frames; same shape as /api/match plus track_id")
            .ProducesProblem(400).ProducesProblem(413).ProducesProblem(415);

    private static async Task<Results<Ok<MatchResultJson>, ProblemHttpResult>> Live(HttpContext http, GalleryService g, string? session, int? top, CancellationToken cancellation)
    {
        if (string.IsNullOrEmpty(session) || session.Length > 64)
            return Problems.Of(400, "give a 'session' query parameter (1-64 characters) that stays the same for one video stream");
        var upload = await Uploads.ReadAsync(http, g.Options, cancellation, "image");
        if (upload.Problem is { } problem) return problem;
        var frame = await g.LiveFrameAsync(session, upload[0], cancellation);
        var index = g.Index;
        var results = frame.Analysis.Faces.Select(f => new FaceMatches(f, index.Search(f.Embedding, Math.Clamp(top ?? 3, 1, 50)))).ToList();
        return TypedResults.Ok(g.ForClient(Contracts.Match(null, frame.Analysis, results, index, thumbnails: true, frame.TrackIds, g.Pipeline.Calibration), http));
    }
}
