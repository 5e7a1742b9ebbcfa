using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>One stored face of an identity, as <c>GET /api/gallery/{identity}</c> lists it.</summary>
public sealed record IdentityFaceJson(long Id, string Path, BoxJson Box, string Source, bool Several, string Thumbnail);

/// <summary>The answer of <c>GET /api/gallery/{identity}</c>.</summary>
public sealed record IdentityFacesJson(string Identity, IReadOnlyList<IdentityFaceJson> Faces);

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
    public static void MapGalleryReads(this IEndpointRouteBuilder api)
    {
        api.MapGet("/gallery", (GalleryService g) => TypedResults.Ok(g.Read(Contracts.Gallery)))
            .WithSummary("Identities with face and file counts");
        api.MapGet("/gallery/files", Files)
            .WithSummary("Every indexed photo's outcome; paths relative to the gallery folder (absolute with ?paths=absolute and the key)");
        api.MapGet("/gallery/map", async (GalleryService g, CancellationToken cancellation) => TypedResults.Content(await g.MapHtmlAsync(cancellation), "text/html; charset=utf-8"))
            .WithSummary("A self-contained HTML t-SNE map of the gallery's faces").AllowSignedLinks();
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

    private static Ok<List<FileOutcomeJson>> Files(HttpContext http, GalleryService g)
    {
        var files = g.Read(s => s.Files());
        return TypedResults.Ok(files.Where(f => GalleryPaths.IsPhoto(f.Path))
            .Select(f => Contracts.File(f) with { Path = g.PathFor(f.Path, http) }).ToList());
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
