using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Models;
using Lookalike.Pictures;

namespace Lookalike.Cli.Commands;

/// <summary>
/// `lookalike map`: a 2-D map of the gallery's faces (t-SNE, or PCA when asked or above the t-SNE limit) as HTML and
/// PNG, laid out by the same code as the server's map: beyond <c>--max-faces</c> a sample, evenly per person, which the page says.
/// </summary>
internal static class MapCommand
{
    public static Command Create(CliContext cli)
    {
        var db = GlobalOptions.Store("Gallery store");
        var output = new Option<FileInfo>("--out") { Description = "Self-contained HTML page", DefaultValueFactory = _ => new FileInfo("map.html") };
        var png = new Option<FileInfo?>("--png") { Description = "Also write a PNG" };
        var method = new Option<string>("--method")
        {
            Description = $"tsne (exact, up to {GalleryMap.TsneLimit:N0} faces, else PCA) or pca (fast)", DefaultValueFactory = _ => "tsne",
        };
        method.AcceptOnlyFromAmong("tsne", "pca");
        var maxFaces = new Option<int>("--max-faces")
        {
            Description = "Faces the map shows at most; a larger gallery is sampled (evenly per person, the same sample each time)",
            DefaultValueFactory = _ => GalleryMap.DefaultSampleFaces,
        };
        var cmd = new Command("map", "A 2-D map of the gallery's faces (t-SNE), as HTML and PNG") { db, output, png, method, maxFaces };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var dbPath = parse.GetValue(db)!;
            if (!GalleryStore.IsPostgres(dbPath) && !File.Exists(dbPath)) throw new CliException($"gallery database not found: {dbPath}");
            if (parse.GetValue(maxFaces) < 2) throw new CliException("--max-faces must be at least 2");
            using var store = GalleryStore.Open(dbPath);
            var started = DateTime.UtcNow;
            var pca = parse.GetValue(method) == "pca";
            // The faces of --model (the default model unless named): no model is run, only its id is needed.
            var model = EmbedderChoice.Resolve(CliContext.Models(parse), parse.GetValue(GlobalOptions.Model)).Id;
            var map = GalleryMap.Compute(store, model, parse.GetValue(maxFaces), thumbnails: true, pca: pca);
            var layoutSeconds = (DateTime.UtcNow - started).TotalSeconds; // reading the sample and laying it out
            var points = map.Points;
            if (points.Count < 2) throw new CliException($"the gallery needs at least two faces of {model} (another model's faces: --model)");
            var html = parse.GetValue(output)!;
            File.WriteAllText(html.FullName, GalleryMap.Html(points, map.Quality, $"Gallery map: {Path.GetFileName(dbPath)}", map.SampleNote));
            if (parse.GetValue(png) is { } p) File.WriteAllBytes(p.FullName, GalleryMap.Png(points, map.Quality));
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            var used = pca || !GalleryMap.UsesTsne(points.Count) ? "pca" : "tsne";
            if (CliContext.Json(parse))
                cli.Console.WriteJson(new { faces = points.Count, identities = points.Select(q => q.Identity).Distinct().Count(), method = used,
                    gallery_faces = map.GalleryFaces, sample = map.IsSample,
                    preservation = Math.Round(map.Quality.Preservation, 4), knn_accuracy = Math.Round(map.Quality.KnnAccuracy, 4),
                    layout_seconds = Math.Round(layoutSeconds, 1), seconds = Math.Round(seconds, 1), output = html.FullName, png = parse.GetValue(png)?.FullName });
            else
                cli.Console.WriteLine($"{points.Count:N0} faces mapped ({used}{(map.IsSample ? $", a sample of {map.GalleryFaces:N0}" : "")}) in {seconds:F1} s: " +
                                  $"10-NN neighbourhoods kept {map.Quality.Preservation:P1}, 5-NN identity accuracy {map.Quality.KnnAccuracy:P1} → {html.FullName}");
            return 0;
        }));
        return cmd;
    }
}
