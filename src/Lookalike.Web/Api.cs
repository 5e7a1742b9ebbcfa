using System.Security.Cryptography;
using System.Text;
using Lookalike.Imaging;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookalike.Web;

/// <summary>The REST API: thin handlers over <see cref="GalleryService"/>, answering with the CLI's JSON shapes.</summary>
public static class Api
{
    public const string ApiKeyHeader = "X-Api-Key";

    public static void MapLookalikeApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (GalleryService g) => Results.Ok(new { status = "ok", model = g.Pipeline.ModelId, faces = g.Index.Count, identities = g.Index.IdentityCount }))
            .WithSummary("200 once the models are loaded");

        var api = app.MapGroup("/api");
        api.MapPost("/match", Match).DisableAntiforgery()
            .WithSummary("Every face in the uploaded photo (multipart field 'image') with its top matches; query 'prior': how likely the person is in the gallery (default 0.5)");
        api.MapPost("/live", Live).DisableAntiforgery()
            .WithSummary("One webcam frame ('image') of a live session (query 'session'): faces are tracked between frames; same shape as /api/match plus track_id");
        api.MapPost("/compare", Compare).DisableAntiforgery()
            .WithSummary("Similarity and verdict for the largest face in 'a' and in 'b' (multipart)");
        api.MapPost("/explain", Explain).DisableAntiforgery()
            .WithSummary("PNG heat-maps of the regions that make the largest faces of 'a' and 'b' (multipart) alike");
        api.MapGet("/gallery", (HttpContext http, GalleryService g) =>
            ReadAllowed(http, g) ?? Results.Json(g.Read(Contracts.Gallery), Contracts.Json))
            .WithSummary("Identities with face and file counts");
        api.MapGet("/gallery/files", (HttpContext http, GalleryService g) =>
            ReadAllowed(http, g) ?? Results.Json(g.Read(s => s.Files().Select(Contracts.File).ToList()), Contracts.Json))
            .WithSummary("Every indexed file's outcome");
        api.MapGet("/gallery/{identity}", (HttpContext http, string identity, GalleryService g) =>
        {
            if (ReadAllowed(http, g) is { } denied) return denied;
            var faces = g.Read(s => s.IdentityFaces(identity));
            return faces.Count == 0
                ? Problem(404, $"no identity '{identity}' in the gallery")
                : Results.Json(new
                {
                    identity,
                    faces = faces.Select(f => new { id = f.Id, path = f.Path, box = BoxJson.From(f.Box), source = f.Source, several = f.Several, thumbnail = $"/api/faces/{f.Id}/thumbnail" }),
                }, Contracts.Json);
        }).WithSummary("One identity's faces");
        api.MapGet("/gallery/{identity}/average", (HttpContext http, string identity, GalleryService g) =>
            ReadAllowed(http, g) ?? (g.AverageOf(identity) is { } png ? Results.File(png, "image/png") : Problem(404, $"no faces of '{identity}' in the gallery")))
            .WithSummary("The average of an identity's aligned gallery faces (PNG)");
        api.MapGet("/gallery/map", (HttpContext http, GalleryService g) =>
            ReadAllowed(http, g) ?? Results.Content(g.MapHtml(), "text/html; charset=utf-8"))
            .WithSummary("A self-contained HTML t-SNE map of the gallery's faces");
        api.MapGet("/faces/{id:long}/thumbnail", (HttpContext http, long id, GalleryService g) =>
            ReadAllowed(http, g) ?? (g.Read(s => s.Thumbnail(id)) is { } jpeg ? Results.File(jpeg, "image/jpeg") : Problem(404, $"no face {id}")))
            .WithSummary("The aligned 112x112 face (JPEG)");
        api.MapPost("/gallery/{identity}/faces", AddFace).DisableAntiforgery()
            .WithSummary("Add the largest face of the uploaded photo ('image') to an identity (needs the API key)");
        api.MapDelete("/gallery/{identity}", (HttpContext http, string identity, GalleryService g) =>
        {
            if (WriteAllowed(http, g) is { } denied) return denied;
            var removed = g.RemoveIdentity(identity);
            return removed == 0 && !g.Read(s => s.Identities().Any(i => i.Identity == identity))
                ? Problem(404, $"no identity '{identity}' in the gallery")
                : Results.Json(new { identity, removed_faces = removed }, Contracts.Json);
        }).WithSummary("Remove an identity's faces and thumbnails (needs the API key)");
    }

    private static Task<IResult> Match(HttpContext http, GalleryService g, int? top, double? prior) =>
        WithUploads(http, g, ReadAllowed, ["image"], async files =>
        {
            var analysis = await g.AnalyzeAsync(files[0], http.RequestAborted);
            var index = g.Index;
            var results = analysis.Faces.Select(f => new FaceMatches(f, index.Search(f.Embedding, Math.Clamp(top ?? 5, 1, 50)))).ToList();
            return Results.Json(Contracts.Match(null, analysis, results, index, thumbnails: true, calibration: g.Pipeline.Calibration,
                prior: Math.Clamp(prior ?? OpenSetProbability.DefaultPrior, 0, 1)), Contracts.Json);
        });

    private static Task<IResult> Live(HttpContext http, GalleryService g, string? session, int? top)
    {
        if (string.IsNullOrEmpty(session) || session.Length > 64)
            return Task.FromResult(Problem(400, "give a 'session' query parameter (1-64 characters) that stays the same for one video stream"));
        return WithUploads(http, g, ReadAllowed, ["image"], async files =>
        {
            var (analysis, trackIds) = await g.LiveFrameAsync(session, files[0], http.RequestAborted);
            var index = g.Index;
            var results = analysis.Faces.Select(f => new FaceMatches(f, index.Search(f.Embedding, Math.Clamp(top ?? 3, 1, 50)))).ToList();
            return Results.Json(Contracts.Match(null, analysis, results, index, thumbnails: true, trackIds, g.Pipeline.Calibration), Contracts.Json);
        });
    }

    private static Task<IResult> Compare(HttpContext http, GalleryService g, double? prior) =>
        WithUploads(http, g, ReadAllowed, ["a", "b"], async files =>
        {
            var fa = (await g.AnalyzeAsync(files[0], http.RequestAborted)).Largest;
            var fb = (await g.AnalyzeAsync(files[1], http.RequestAborted)).Largest;
            if (fa is null || fb is null)
                return Results.Json(new { similarity = (double?)null, same = (bool?)null, reason = $"no face found in {(fa is null ? "a" : "b")}" }, Contracts.Json);
            return Results.Json(Contracts.Compare(fa, null, fb, null, g.Pipeline.Calibration, prior is { } p ? Math.Clamp(p, 0, 1) : null), Contracts.Json);
        });

    private static Task<IResult> Explain(HttpContext http, GalleryService g) =>
        WithUploads(http, g, ReadAllowed, ["a", "b"], async files =>
        {
            var png = await g.ExplainAsync(files[0], files[1], http.RequestAborted);
            return png is null ? Problem(422, "no face found in one of the photos") : Results.File(png, "image/png");
        });

    private static Task<IResult> AddFace(HttpContext http, string identity, GalleryService g)
    {
        identity = identity.Trim();
        if (identity.Length is 0 or > 200 || identity.Any(char.IsControl))
            return Task.FromResult(WriteAllowed(http, g) ?? Problem(400, "identity must be 1-200 printable characters"));
        return WithUploads(http, g, WriteAllowed, ["image"], async files =>
        {
            var analysis = await g.AnalyzeAsync(files[0], http.RequestAborted);
            if (analysis.Largest is not { } face) return Problem(422, "no face found in the photo");
            g.AddFace(identity, files[0], face, analysis.Faces.Count);
            return Results.Json(new { identity, faces = g.Read(s => s.IdentityFaces(identity).Count), several_faces = analysis.Faces.Count > 1 }, Contracts.Json, statusCode: 201);
        });
    }

    /// <summary>
    /// The common frame of the upload endpoints: check access, read the named multipart files (413/400/415 on
    /// bad uploads), run the handler, and turn an undecodable image into 415 (or 413 when over the pixel limit).
    /// </summary>
    private static async Task<IResult> WithUploads(HttpContext http, GalleryService g, Func<HttpContext, GalleryService, IResult?> allowed,
        string[] fields, Func<byte[][], Task<IResult>> handler)
    {
        if (allowed(http, g) is { } denied) return denied;
        var files = new byte[fields.Length][];
        for (var i = 0; i < fields.Length; i++)
        {
            var (bytes, error) = await ReadUpload(http, g, fields[i]);
            if (error is not null) return error;
            files[i] = bytes!;
        }
        try
        {
            return await handler(files);
        }
        catch (ImageLoadException e)
        {
            return ImageProblem(e);
        }
    }

    /// <summary>Reads one multipart file field into memory, refusing oversize bodies (413) before reading them.</summary>
    private static async Task<(byte[]? Bytes, IResult? Error)> ReadUpload(HttpContext http, GalleryService g, string field)
    {
        var limit = g.Options.MaxUploadBytes;
        if (http.Request.ContentLength > limit + 64 * 1024)
            return (null, Problem(413, $"upload is {http.Request.ContentLength / 1048576.0:F1} MB, over the {limit / 1048576.0:F0} MB limit"));
        if (!http.Request.HasFormContentType) return (null, Problem(415, "send the image as multipart/form-data"));
        IFormCollection form;
        try
        {
            if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size) size.MaxRequestBodySize = limit + 64 * 1024;
            form = await http.Request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit + 64 * 1024 }, http.RequestAborted);
        }
        catch (Exception e) when (e is InvalidDataException or BadHttpRequestException)
        {
            return (null, e is BadHttpRequestException { StatusCode: 413 } || e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? Problem(413, $"upload over the {limit / 1048576.0:F0} MB limit")
                : Problem(400, "malformed multipart body"));
        }
        var file = form.Files.GetFile(field);
        if (file is null) return (null, Problem(400, $"missing the multipart file field '{field}'"));
        if (file.Length > limit) return (null, Problem(413, $"'{field}' is {file.Length / 1048576.0:F1} MB, over the {limit / 1048576.0:F0} MB limit"));
        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, http.RequestAborted);
        return (buffer.ToArray(), null);
    }

    private static IResult ImageProblem(ImageLoadException e) =>
        e.Problem == Imaging.ImageProblem.TooLarge ? Problem(413, e.Message) : Problem(415, $"not a readable image: {e.Message}");

    private static IResult Problem(int status, string message) => Results.Json(new { error = message }, Contracts.Json, statusCode: status);

    private static IResult? ReadAllowed(HttpContext http, GalleryService g) =>
        g.Options.ProtectReads ? WriteAllowed(http, g) : null;

    /// <summary>401 without the right key (compared in constant time), 403 when the operator set no key.</summary>
    private static IResult? WriteAllowed(HttpContext http, GalleryService g)
    {
        if (string.IsNullOrEmpty(g.Options.ApiKey)) return Problem(403, "writes are disabled: start the server with an API key (--api-key or LOOKALIKE_API_KEY)");
        var given = http.Request.Headers[ApiKeyHeader].ToString();
        var ok = CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(g.Options.ApiKey)));
        return ok ? null : Problem(401, $"missing or wrong {ApiKeyHeader} header");
    }
}
