using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Pictures;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Cli;

/// <summary>`lookalike average` and `lookalike map`: pictures of a person and of the whole gallery.</summary>
internal static class PicturesCommands
{
    public static Command Average(Func<ParseResult, FacePipeline> pipelineFactory)
    {
        var source = new Argument<string>("source") { Description = "A folder of photos, or an identity in --db" };
        var db = new Option<string>("--db") { Description = "Gallery database (for an identity, and to rank the average face)", DefaultValueFactory = _ => "gallery.db" };
        var blend = new Option<string?>("--blend") { Description = "Second folder or identity: morph between the two average faces" };
        var ratio = new Option<float>("--ratio") { Description = "Blend ratio (0 = first, 1 = second)", DefaultValueFactory = _ => 0.5f };
        var output = new Option<FileInfo>("--out") { Description = "PNG to write", DefaultValueFactory = _ => new FileInfo("average.png") };
        var cmd = new Command("average", "The average face of a person or a folder (and --blend with another)") { source, db, blend, ratio, output };
        cmd.SetAction(parse => Commands.Run(parse, () =>
        {
            using var pipeline = pipelineFactory(parse);
            var dbPath = parse.GetValue(db)!;
            using var first = Mean(pipeline, parse.GetValue(source)!, dbPath, out var usedA);
            SKBitmap result = first;
            var label = parse.GetValue(source)!;
            if (parse.GetValue(blend) is { } other)
            {
                using var second = Mean(pipeline, other, dbPath, out _);
                result = AverageFace.Blend(first, second, Math.Clamp(parse.GetValue(ratio), 0, 1));
                label = $"{label} × {other}";
            }
            try
            {
                var png = parse.GetValue(output)!;
                File.WriteAllBytes(png.FullName, ImageLoader.EncodePng(result));
                var face = pipeline.Analyze(result).Largest;
                object? recognised = null;
                if (face is not null && File.Exists(dbPath))
                {
                    using var store = new GalleryStore(dbPath);
                    var top = FaceIndex.Load(store, pipeline.ModelId, pipeline.Dimension).Search(face.Embedding, 3);
                    recognised = top.Select(m => new { identity = m.Identity, similarity = Math.Round(m.Similarity, 4) });
                    if (!parse.GetValue(Commands.JsonOption))
                        Console.WriteLine("the average face is most like: " + string.Join(", ", top.Select(m => $"{m.Identity} {m.Similarity:F3}")));
                }
                if (parse.GetValue(Commands.JsonOption))
                    Output.WriteJson(new { source = label, faces_averaged = usedA, output = png.FullName, face_found = face is not null, matches = recognised });
                else
                    Console.WriteLine($"averaged {usedA} faces of {label} → {png.FullName}{(face is null ? " (no face found in the average)" : "")}");
            }
            finally
            {
                if (!ReferenceEquals(result, first)) result.Dispose();
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>The average of a folder's photos, or of an identity's stored photos (original files where they still exist).</summary>
    private static SKBitmap Mean(FacePipeline pipeline, string source, string db, out int used)
    {
        IEnumerable<string> paths;
        if (Directory.Exists(source)) paths = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal);
        else if (File.Exists(db))
        {
            using var store = new GalleryStore(db);
            paths = [.. store.IdentityFaces(source).Select(f => f.Path).Where(File.Exists)];
            if (!paths.Any()) throw new CliException($"'{source}' is neither a folder nor an identity with photos on disk in {db}");
        }
        else throw new CliException($"folder not found: {source}");
        var images = paths.Select(p => { try { return ImageLoader.Load(p); } catch (ImageLoadException) { return null; } }).OfType<SKBitmap>();
        var list = new List<SKBitmap>();
        try
        {
            foreach (var image in images) list.Add(image);
            return AverageFace.Of(pipeline, list, out used) ?? throw new CliException($"no face found in any photo of {source}");
        }
        finally
        {
            list.ForEach(b => b.Dispose());
        }
    }

    public static Command Map()
    {
        var db = new Option<string>("--db") { Description = "Gallery database", DefaultValueFactory = _ => "gallery.db" };
        var output = new Option<FileInfo>("--out") { Description = "Self-contained HTML page", DefaultValueFactory = _ => new FileInfo("map.html") };
        var png = new Option<FileInfo?>("--png") { Description = "Also write a PNG" };
        var pca = new Option<bool>("--pca") { Description = "PCA instead of t-SNE (fast; t-SNE is used up to 5,000 faces)" };
        var cmd = new Command("map", "A 2-D map of the gallery's faces (t-SNE), as HTML and PNG") { db, output, png, pca };
        cmd.SetAction(parse => Commands.Run(parse, () =>
        {
            var dbPath = parse.GetValue(db)!;
            if (!File.Exists(dbPath)) throw new CliException($"gallery database not found: {dbPath}");
            using var store = new GalleryStore(dbPath);
            var faces = store.Faces(FaceEmbedder.Id);
            if (faces.Count < 2) throw new CliException("the gallery needs at least two faces");
            var started = DateTime.UtcNow;
            var embeddings = faces.Select(f => f.Embedding).ToList();
            var layout = GalleryMap.Layout(embeddings, parse.GetValue(pca));
            var quality = GalleryMap.Quality(embeddings, layout, [.. faces.Select(f => f.Identity)]);
            var points = faces.Select((f, i) => new MapPoint(f.Identity, layout[i].X, layout[i].Y, store.Thumbnail(f.Id))).ToList();
            var html = parse.GetValue(output)!;
            File.WriteAllText(html.FullName, GalleryMap.Html(points, quality, $"Gallery map: {Path.GetFileName(dbPath)}"));
            if (parse.GetValue(png) is { } p) File.WriteAllBytes(p.FullName, GalleryMap.Png(points, quality));
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            if (parse.GetValue(Commands.JsonOption))
                Output.WriteJson(new { faces = faces.Count, method = parse.GetValue(pca) || faces.Count > GalleryMap.TsneLimit ? "pca" : "tsne",
                    preservation = Math.Round(quality.Preservation, 4), knn_accuracy = Math.Round(quality.KnnAccuracy, 4), seconds = Math.Round(seconds, 1), output = html.FullName });
            else
                Console.WriteLine($"{faces.Count} faces mapped in {seconds:F1} s: neighbours kept {quality.Preservation:P1}, 5-NN identity {quality.KnnAccuracy:P1} → {html.FullName}");
            return 0;
        }));
        return cmd;
    }
}
