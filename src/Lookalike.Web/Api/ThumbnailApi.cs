using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

internal static class ThumbnailApi
{
    /// <summary><c>GET /api/faces/{id}/thumbnail</c>: a stored face's aligned 112x112 JPEG.</summary>
    public static void MapThumbnails(this IEndpointRouteBuilder api) =>
        api.MapGet("/faces/{id:long}/thumbnail", Thumbnail)
            .WithSummary("The aligned 112x112 face (JPEG)").ProducesProblem(404).AllowSignedLinks();

    private static Results<FileContentHttpResult, ProblemHttpResult> Thumbnail(long id, GalleryService g) =>
        g.Read(s => s.Thumbnail(id)) is { } jpeg ? TypedResults.File(jpeg, "image/jpeg") : Problems.Of(404, $"no face {id}");
}
