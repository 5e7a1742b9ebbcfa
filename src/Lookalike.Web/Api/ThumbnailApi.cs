using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Lookalike.Web;

internal static class ThumbnailApi
{
    /// <summary>
    /// <c>GET /api/faces/{id}/thumbnail</c>: a stored face's aligned 112x112 JPEG. The browser keeps it 5 minutes and
    /// then asks again with its ETag (a hash of the image: 304 when unchanged), so a map's faces load once.
    /// </summary>
    public static void MapThumbnails(this IEndpointRouteBuilder api) =>
        api.MapGet("/faces/{id:long}/thumbnail", Thumbnail)
            .WithSummary("The aligned 112x112 face (JPEG), cacheable (ETag, 5 minutes)").ProducesProblem(404).AllowSignedLinks();

    private static Results<FileContentHttpResult, ProblemHttpResult> Thumbnail(long id, HttpContext http, GalleryService g)
    {
        if (g.Read(s => s.Thumbnail(id)) is not { } jpeg) return Problems.Of(404, $"no face {id}");
        // Private: a face is personal data, not for shared caches. A face id can be reused after its removal, hence the short age.
        http.Response.Headers.CacheControl = "private, max-age=300";
        var tag = new EntityTagHeaderValue($"\"{Convert.ToHexStringLower(SHA256.HashData(jpeg).AsSpan(0, 12))}\"");
        return TypedResults.File(jpeg, "image/jpeg", entityTag: tag);
    }

    /// <summary>True for a thumbnail GET: one indexed read, cached by the browser, and a map shows up to thousands at once, so the rate limit spares it.</summary>
    public static bool IsThumbnail(HttpRequest request) =>
        HttpMethods.IsGet(request.Method) && request.Path.StartsWithSegments("/api/faces", out var rest)
        && rest.Value is { } tail && tail.EndsWith("/thumbnail", StringComparison.Ordinal) && tail.Count(c => c == '/') == 2;
}
