using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Pictures;
using SkiaSharp;

namespace Lookalike.Cli;

/// <summary>`lookalike explain`: heat-maps of which face regions make two faces similar.</summary>
internal static class ExplainCommand
{
    public static Command Create(Func<ParseResult, FacePipeline> pipelineFactory)
    {
        var a = new Argument<FileInfo>("a") { Description = "Photo (its largest face)" };
        var b = new Argument<FileInfo?>("b") { Description = "Second photo (or use --match)", Arity = ArgumentArity.ZeroOrOne };
        var match = new Option<bool>("--match") { Description = "Explain the top gallery match of the photo's largest face" };
        var db = new Option<string>("--db") { Description = "Gallery database (with --match)", DefaultValueFactory = _ => "gallery.db" };
        var output = new Option<FileInfo>("--out") { Description = "PNG to write", DefaultValueFactory = _ => new FileInfo("explain.png") };
        var cmd = new Command("explain", "Heat-maps of the regions that raise or lower the similarity of two faces (occlusion)") { a, b, match, db, output };
        cmd.SetAction(parse => Commands.Run(parse, () =>
        {
            using var pipeline = pipelineFactory(parse);
            var explainer = new OcclusionExplainer(pipeline.Embedder);
            var pathA = parse.GetValue(a)!.FullName;
            using var alignedA = AlignLargest(pipeline, pathA, out var faceA);
            SKBitmap alignedB;
            float[] embeddingB;
            string labelB;
            if (parse.GetValue(match))
            {
                using var matcher = new Matcher(pipeline, new GalleryStore(parse.GetValue(db)!));
                var top = matcher.Index.Search(faceA.Embedding, 1).FirstOrDefault()
                          ?? throw new CliException("the gallery is empty: run 'lookalike gallery add DIR' first");
                var stored = matcher.Store.Face(top.BestFaceId)!;
                alignedB = ImageLoader.Decode(matcher.Store.Thumbnail(top.BestFaceId)!);
                embeddingB = stored.Embedding;
                labelB = $"{top.Identity} (gallery)";
            }
            else
            {
                var pathB = parse.GetValue(b)?.FullName ?? throw new CliException("give a second photo, or --match with --db");
                alignedB = AlignLargest(pipeline, pathB, out var faceB);
                embeddingB = faceB.Embedding;
                labelB = Path.GetFileName(pathB);
            }
            using (alignedB)
            {
                var started = DateTime.UtcNow;
                var mapA = explainer.Explain(alignedA, embeddingB);
                var mapB = explainer.Explain(alignedB, faceA.Embedding);
                var seconds = (DateTime.UtcNow - started).TotalSeconds;
                var similarity = Verification.Similarity(faceA.Embedding, embeddingB);
                var png = parse.GetValue(output)!;
                File.WriteAllBytes(png.FullName, ExplanationPicture.Render(alignedA, mapA, Path.GetFileName(pathA), alignedB, mapB, labelB, similarity));
                if (parse.GetValue(Commands.JsonOption))
                    Output.WriteJson(new { similarity = Math.Round(similarity, 4), method = "occlusion", output = png.FullName, seconds = Math.Round(seconds, 2),
                        a = Regions(mapA), b = Regions(mapB) });
                else
                    Console.WriteLine($"similarity {similarity:F3}; wrote {png.FullName} ({seconds:F2} s)");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Mean contribution of the main regions of the 112x112 template, for scripts.</summary>
    private static object Regions(SimilarityMap map) => new
    {
        eyes = Math.Round(map.MeanOver(new SKRectI(24, 38, 88, 64)), 4),
        nose = Math.Round(map.MeanOver(new SKRectI(42, 60, 70, 82)), 4),
        mouth = Math.Round(map.MeanOver(new SKRectI(34, 84, 78, 104)), 4),
        corners = Math.Round((map.MeanOver(new SKRectI(0, 0, 16, 16)) + map.MeanOver(new SKRectI(96, 0, 112, 16))
                              + map.MeanOver(new SKRectI(0, 96, 16, 112)) + map.MeanOver(new SKRectI(96, 96, 112, 112))) / 4, 4),
    };

    private static SKBitmap AlignLargest(FacePipeline pipeline, string path, out Face face)
    {
        using var image = ImageLoader.Load(path);
        face = pipeline.Analyze(image).Largest ?? throw new CliException($"no face found in {path}");
        return FaceAligner.Align(image, face.FivePoints);
    }
}
