using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Pictures;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike faces PHOTO`: the faces found in a photo (boxes, scores, checks, the five alignment points).</summary>
internal static class FacesCommand
{
    public static Command Create(CliContext cli)
    {
        var photo = new Argument<FileInfo>("photo") { Description = "Photo to look for faces in" };
        var output = new Option<FileInfo?>("--out") { Description = "Write a PNG with the boxes and alignment points" };
        var cmd = new Command("faces", "List the faces found in a photo (boxes, scores, checks)") { photo, output };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var pipeline = cli.Pipeline(parse);
            using var image = ImageLoader.Load(parse.GetValue(photo)!.FullName);
            var analysis = pipeline.Analyze(image);
            if (parse.GetValue(output) is { } png) File.WriteAllBytes(png.FullName, FacesPicture.Render(image, analysis));
            if (CliContext.Json(parse))
            {
                cli.Console.WriteJson(Json(analysis));
                return 0;
            }
            cli.Console.WriteLine($"{analysis.Width}x{analysis.Height}: {analysis.Faces.Count} face(s)");
            foreach (var (f, i) in analysis.Faces.Select((f, i) => (f, i)))
                cli.Console.WriteLine($"  {i + 1}: ({f.Box.X:F0},{f.Box.Y:F0}) {f.Box.Width:F0}x{f.Box.Height:F0} score {f.Score:F3} {f.Source} check {f.CropScore:F2} norm {f.Norm:F2}");
            return 0;
        }));
        return cmd;
    }

    private static object Json(FaceAnalysis analysis) => new
    {
        width = analysis.Width,
        height = analysis.Height,
        too_small = analysis.TooSmall,
        faces = analysis.Faces.Select(f => new
        {
            box = new { x = Round(f.Box.X), y = Round(f.Box.Y), width = Round(f.Box.Width), height = Round(f.Box.Height) },
            score = Math.Round(f.Score, 4),
            source = f.Source.ToString().ToLowerInvariant(),
            crop_score = Math.Round(f.CropScore, 4),
            norm = Math.Round(f.Norm, 4),
            quality = float.IsNaN(f.Quality) ? (double?)null : Math.Round(f.Quality, 3),
            points = f.FivePoints.Select(p => new[] { Round(p.X), Round(p.Y) }),
        }),
    };

    private static double Round(float v) => Math.Round(v, 1);
}
