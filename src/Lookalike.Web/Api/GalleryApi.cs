using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>One stored face of an identity, as <c>GET /api/gallery/{identity}</c> lists it.</summary>
public sealed record IdentityFaceJson(long Id, string Path, BoxJson Box, string Source, bool Several, string Thumbnail);

/// <summary>The answer of <c>GET /api/gallery/{identity}</c>.</summary>
public sealed record IdentityFacesJson(string Identity, IReadOnlyList<IdentityFaceJson> Faces);

/// <summary>The answer of <c>GET /api/gallery</c>: a page of identities (by name), the gallery's face count, and the paging.</summary>
public sealed record GalleryPageJson(IReadOnlyList<IdentityJson> Identities, int Faces, int Total, int Offset, int Limit);

/// <summary>The answer of <c>GET /api/gallery/files</c>: a page of photos' outcomes (by path) and the paging.</summary>
public sealed record FilesPageJson(IReadOnlyList<FileOutcomeJson> Files, int Total, int Offset, int Limit);

/// <summary>The answer of <c>POST /api/gallery/{identity}/faces</c>.</summary>
public sealed record AddedFaceJson(string Identity, int Faces, bool SeveralFaces);

/// <summary>The answer of <c>DELETE /api/gallery/{identity}</c>.</summary>
public sealed record RemovedIdentityJson(string Identity, int RemovedFaces);

/// <summary>
/// The gallery: identities, files, one identity's faces, its average face, the map (reads); adding a face and
/// removing an identity (writes). Identity names travel as one percent-encoded path segment (<see cref="IdentityNames"/>).
/// </summary>
internal static class GalleryApi
{
    /// <summary>Items of a page when <c>limit</c> is not given, and the most a page may have.</summary>
    public const int DefaultLimit = 100, MaxLimit = 1000;

    public static void MapGalleryReads(this IEndpointRouteBuilder api)
    {
        api.MapGet("/gallery", Gallery)
            .WithSummary($"Identities with face and file counts, by name: ?offset=0&limit={DefaultLimit} (at most {MaxLimit}), with the total").ProducesProblem(400);
        api.MapGet("/gallery/files", Files)
            .WithSummary($"Indexed photos' outcomes, by path: ?offset=0&limit={DefaultLimit} (at most {MaxLimit}), with the total; paths relative to the gallery folder (absolute with ?paths=absolute and the key)")
            .ProducesProblem(400);
        api.MapGet("/gallery/map", Map)
            .WithSummary("An HTML t-SNE map of the gallery's faces (a sample beyond a few thousand), laid out in the background: 202 until the first is ready").AllowSignedLinks();
        api.MapGet("/gallery/{identity}", Identity)
            .WithSummary("One identity's faces").ProducesProblem(404);
        api.MapGet("/gallery/{identity}/average", Average)
            .WithSummary("The average of an identity's aligned gallery faces (PNG)").ProducesProblem(404).AllowSignedLinks();
    }

    public static void MapGalleryWrites(this IEndpointRouteBuilder api)
    {
        api.MapPost("/gallery/{identity}/faces", AddFace).DisableAntiforgery()
            .WithSummary("Add the largest face of the uploaded photo ('image') to an identity (needs the API key)")
            .ProducesProblem(400).ProducesProblem(409).ProducesProblem(413).ProducesProblem(415).ProducesProblem(422);
        api.MapDelete("/gallery/{identity}", Remove)
            .WithSummary("Remove an identity's faces and thumbnails (needs the API key)").ProducesProblem(404);
    }

    private static Results<Ok<GalleryPageJson>, ProblemHttpResult> Gallery(HttpContext http, GalleryService g)
    {
        if (Paging.Read(http, DefaultLimit, MaxLimit, out var page) is { } problem) return problem;
        var (identities, total, faces) = g.Read(s => (s.Identities(page.Offset, page.Limit), s.IdentityCount(), s.FaceCount()));
        return TypedResults.Ok(new GalleryPageJson([.. identities.Select(i => new IdentityJson(i.Identity, i.Faces, i.Files, i.FaceId))], faces, total, page.Offset, page.Limit));
    }

    private static Results<Ok<FilesPageJson>, ProblemHttpResult> Files(HttpContext http, GalleryService g)
    {
        if (Paging.Read(http, DefaultLimit, MaxLimit, out var page) is { } problem) return problem;
        var (files, total) = g.Read(s => s.Photos(page.Offset, page.Limit));
        return TypedResults.Ok(new FilesPageJson([.. files.Select(f => Contracts.File(f) with { Path = g.PathFor(f.Path, http) })], total, page.Offset, page.Limit));
    }

    /// <summary>The page shown until the first map is laid out; it reloads itself.</summary>
    private const string MapPendingHtml = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="2">
        <title>Gallery map</title><style>body{font-family:system-ui,sans-serif;margin:12px}</style></head>
        <body><h1>Gallery map</h1><p id="note">Laying out the map of {0} faces: this page reloads itself until it is ready.</p></body></html>
        """;

    private static async Task<ContentHttpResult> Map(HttpContext http, GalleryService g, SignedLinks links, CancellationToken cancellation)
    {
        var (status, layout) = await g.MapAsync(cancellation);
        http.Response.Headers["X-Map-Status"] = status.ToString().ToLowerInvariant();
        if (status != MapStatus.Ready) http.Response.Headers.RetryAfter = "2";
        if (layout is null)
            return TypedResults.Content(MapPendingHtml.Replace("{0}", g.Index.Count.ToString("N0", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal),
                "text/html; charset=utf-8", statusCode: StatusCodes.Status202Accepted);
        var points = layout.Points.Select(p => p with { ThumbnailUrl = g.ThumbnailUrl(p.FaceId, links) }).ToList();
        string?[] notes = [layout.SampleNote, status == MapStatus.Stale ? "The gallery has changed since this map was laid out; the new one is on its way: reload in a moment." : null];
        var note = string.Join(" ", notes.OfType<string>());
        return TypedResults.Content(Pictures.GalleryMap.Html(points, layout.Quality, "Gallery map", note.Length > 0 ? note : null), "text/html; charset=utf-8");
    }

    private static Results<Ok<IdentityFacesJson>, ProblemHttpResult> Identity(HttpContext http, string identity, GalleryService g, SignedLinks links)
    {
        var name = IdentityNames.FromPath(http, identity, segmentsAfter: 0);
        if (g.FindIdentity(name) is not { } found) return Problems.Of(404, $"no identity '{name}' in the gallery");
        var faces = g.Read(s => s.IdentityFaces(found));
        return TypedResults.Ok(new IdentityFacesJson(found, [.. faces.Select(f =>
            new IdentityFaceJson(f.Id, g.PathFor(f.Path, http), BoxJson.From(f.Box), f.Source.ToString(), f.Several, g.ThumbnailUrl(f.Id, links)))]));
    }

    private static Results<FileContentHttpResult, ProblemHttpResult> Average(HttpContext http, string identity, GalleryService g)
    {
        var name = IdentityNames.FromPath(http, identity, segmentsAfter: 1);
        return g.FindIdentity(name) is { } found && g.AverageOf(found) is { } png
            ? TypedResults.File(png, "image/png")
            : Problems.Of(404, $"no faces of '{name}' in the gallery");
    }

    private static async Task<Results<Created<AddedFaceJson>, ProblemHttpResult>> AddFace(HttpContext http, string identity, GalleryService g, CancellationToken cancellation)
    {
        if (IdentityNames.Normalize(IdentityNames.FromPath(http, identity, segmentsAfter: 1), out var refused) is not { } name)
            return Problems.Of(400, refused!);
        name = g.FindIdentity(name) ?? name;
        if (g.LookAlikeOf(name) is { } existing)
            return Problems.Of(409, $"'{name}' looks like the existing identity '{existing}': add the face to that one, or choose a name that differs in more than spacing, case or punctuation");
        var upload = await Uploads.ReadAsync(http, g.Options, cancellation, "image");
        if (upload.Problem is { } problem) return problem;
        var analysis = await g.AnalyzeAsync(upload[0], cancellation);
        if (analysis.Largest is not { } face) return Problems.Of(422, "no face found in the photo");
        g.AddFace(name, upload[0], face, analysis.Faces.Count);
        return TypedResults.Created($"/api/gallery/{Uri.EscapeDataString(name)}",
            new AddedFaceJson(name, g.Read(s => s.IdentityFaces(name).Count), analysis.Faces.Count > 1));
    }

    private static Results<Ok<RemovedIdentityJson>, ProblemHttpResult> Remove(HttpContext http, string identity, GalleryService g)
    {
        var name = IdentityNames.FromPath(http, identity, segmentsAfter: 0);
        if (g.FindIdentity(name) is not { } found) return Problems.Of(404, $"no identity '{name}' in the gallery");
        return TypedResults.Ok(new RemovedIdentityJson(found, g.RemoveIdentity(found)));
    }
}
