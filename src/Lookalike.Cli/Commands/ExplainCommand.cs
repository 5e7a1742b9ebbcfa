using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Pictures;
using SkiaSharp;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike explain`: heat-maps of which face regions make two faces similar.</summary>
internal static class ExplainCommand
{
    public static Command Create(CliContext cli)
    {
        var a = new Argument<FileInfo>("a") { Description = "Photo (its largest face)" };
        var b = new Argument<FileInfo?>("b") { Description = "Second photo (or use --match)", Arity = ArgumentArity.ZeroOrOne };
        var match = new Option<bool>("--match") { Description = "Explain the top gallery match of the photo's largest face" };
        var db = GlobalOptions.Store("Gallery store (with --match)");
        var output = new Option<FileInfo>("--out") { Description = "PNG to write", DefaultValueFactory = _ => new FileInfo("explain.png") };
        var method = new Option<string>("--method") { Description = "occlusion, or gradcam: Grad-CAM beside the occlusion map (runs lookalike-train, TorchSharp)", DefaultValueFactory = _ => "occlusion" };
        method.AcceptOnlyFromAmong("occlusion", "gradcam");
        var cmd = new Command("explain", "Heat-maps of the regions that raise or lower the similarity of two faces (occlusion, or Grad-CAM)") { a, b, match, db, output, method };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            if (parse.GetValue(method) == "gradcam")
            {
                if (parse.GetValue(match)) throw new CliException("--method gradcam explains two photos; --match works with occlusion only");
                return TrainTool.Forward(TrainTool.Tokens(parse));
            }
            using var pipeline = cli.Pipeline(parse);
            var pathA = parse.GetValue(a)!.FullName;
            using var imageA = ImageLoader.Load(pathA);
            var started = DateTime.UtcNow;
            PairExplanation result;
            if (parse.GetValue(match))
            {
                var faceA = pipeline.Analyze(imageA).Largest ?? throw new CliException($"no face found in {pathA}");
                using var matcher = new Matcher(pipeline, GalleryStore.Open(parse.GetValue(db)!));
                var top = matcher.Index.Search(faceA.Embedding, 1).FirstOrDefault()
                          ?? throw new CliException("the gallery is empty: run 'lookalike gallery add DIR' first");
                using var alignedA = FaceAligner.Align(imageA, faceA.FivePoints);
                using var alignedB = ImageLoader.Decode(matcher.Store.Thumbnail(top.BestFaceId)!);
                result = PairExplanation.Explain(pipeline, alignedA, faceA.Embedding, Path.GetFileName(pathA),
                    alignedB, matcher.Store.Face(top.BestFaceId)!.Embedding, $"{top.Identity} (gallery)");
            }
            else
            {
                var pathB = parse.GetValue(b)?.FullName ?? throw new CliException("give a second photo, or --match with --db");
                using var imageB = ImageLoader.Load(pathB);
                result = PairExplanation.Explain(pipeline, imageA, Path.GetFileName(pathA), imageB, Path.GetFileName(pathB))
                         ?? throw new CliException("no face found in one of the photos");
            }
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            var png = parse.GetValue(output)!;
            File.WriteAllBytes(png.FullName, result.Png);
            if (CliContext.Json(parse))
                cli.Console.WriteJson(new { similarity = Math.Round(result.Similarity, 4), method = "occlusion", output = png.FullName, seconds = Math.Round(seconds, 2),
                    a = Regions(result.A), b = Regions(result.B) });
            else
                cli.Console.WriteLine($"similarity {result.Similarity:F3}; wrote {png.FullName} ({seconds:F2} s)");
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
}
