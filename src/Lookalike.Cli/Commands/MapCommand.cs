using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Pictures;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike map`: a 2-D map of every gallery face (t-SNE, or PCA when asked or above 5,000 faces) as HTML and PNG.</summary>
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
        var cmd = new Command("map", "A 2-D map of the gallery's faces (t-SNE), as HTML and PNG") { db, output, png, method };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var dbPath = parse.GetValue(db)!;
            if (!GalleryStore.IsPostgres(dbPath) && !File.Exists(dbPath)) throw new CliException($"gallery database not found: {dbPath}");
            using var store = GalleryStore.Open(dbPath);
            var faces = store.Faces(FaceEmbedder.Id);
            if (faces.Count < 2) throw new CliException("the gallery needs at least two faces");
            var started = DateTime.UtcNow;
            var embeddings = faces.Select(f => f.Embedding).ToList();
            var pca = parse.GetValue(method) == "pca";
            var layout = GalleryMap.Layout(embeddings, pca);
            var layoutSeconds = (DateTime.UtcNow - started).TotalSeconds;
            var quality = GalleryMap.Quality(embeddings, layout, [.. faces.Select(f => f.Identity)]);
            var points = faces.Select((f, i) => new MapPoint(f.Identity, layout[i].X, layout[i].Y, store.Thumbnail(f.Id))).ToList();
            var html = parse.GetValue(output)!;
            File.WriteAllText(html.FullName, GalleryMap.Html(points, quality, $"Gallery map: {Path.GetFileName(dbPath)}"));
            if (parse.GetValue(png) is { } p) File.WriteAllBytes(p.FullName, GalleryMap.Png(points, quality));
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            var used = pca || faces.Count > GalleryMap.TsneLimit || faces.Count < 5 ? "pca" : "tsne";
            if (CliContext.Json(parse))
                cli.Console.WriteJson(new { faces = faces.Count, identities = points.Select(q => q.Identity).Distinct().Count(), method = used,
                    preservation = Math.Round(quality.Preservation, 4), knn_accuracy = Math.Round(quality.KnnAccuracy, 4),
                    layout_seconds = Math.Round(layoutSeconds, 1), seconds = Math.Round(seconds, 1), output = html.FullName, png = parse.GetValue(png)?.FullName });
            else
                cli.Console.WriteLine($"{faces.Count} faces mapped ({used}) in {seconds:F1} s: 10-NN neighbourhoods kept {quality.Preservation:P1}, " +
                                  $"5-NN identity accuracy {quality.KnnAccuracy:P1} → {html.FullName}");
            return 0;
        }));
        return cmd;
    }
}
