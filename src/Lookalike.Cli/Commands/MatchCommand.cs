using System.CommandLine;
using Spectre.Console;
using Lookalike.Cli.Rendering;
using Lookalike.Gallery;
using Lookalike.Pictures;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike match PHOTO`: the most similar gallery identities for every face in a photo.</summary>
internal static class MatchCommand
{
    public static Command Create(CliContext cli)
    {
        var photo = new Argument<FileInfo>("photo") { Description = "Photo with one or more faces" };
        var db = GlobalOptions.Store();
        var top = new Option<int>("--top") { Description = "Identities per face", DefaultValueFactory = _ => 5 };
        var output = new Option<FileInfo?>("--out") { Description = "Write a PNG: each face beside its matches' gallery faces" };
        var prior = new Option<double>("--prior") { Description = "How likely, before looking, the person is in the gallery at all (the 'same person' probability's prior)", DefaultValueFactory = _ => OpenSetProbability.DefaultPrior };
        var likenessFrom = new Option<string>("--likeness") { Description = "Likeness against: reference (the model's measured strangers, default) or gallery (pairs of different gallery identities; needs 20+ identities)", DefaultValueFactory = _ => "reference" };
        var cmd = new Command("match", "Find the most similar gallery identities for every face in a photo") { photo, db, top, output, prior, likenessFrom };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var pipeline = cli.Pipeline(parse);
            using var matcher = new Matcher(pipeline, CliContext.OpenExisting(parse.GetValue(db)!), IndexBuildReport.To(cli.Console.Stderr));
            CliContext.RequireFaces(matcher.Store, matcher.Index, pipeline);
            var path = parse.GetValue(photo)!.FullName;
            var analysis = pipeline.Analyze(path);
            var results = matcher.Match(analysis, Math.Max(1, parse.GetValue(top)));
            var p = parse.GetValue(prior) is >= 0 and <= 1 and var given ? given : throw new CliException("--prior is a probability between 0 and 1");
            var likeness = Likeness(parse.GetValue(likenessFrom), matcher, pipeline);
            var scores = results.Select(r => MatchScores.Of(matcher.Index, r, pipeline.Calibration, p, likeness)).ToList();
            if (parse.GetValue(output) is { } png)
            {
                File.WriteAllBytes(png.FullName, MatchPicture.Render(results, matcher.Store, pipeline.Calibration, scores));
                cli.Console.Err.WriteLine($"wrote {png.FullName}");
            }
            if (CliContext.Json(parse)) cli.Console.WriteJson(Contracts.Match(path, analysis, results, matcher.Index, calibration: pipeline.Calibration, prior: p, likeness: likeness));
            else
            {
                PoorFaces.Warn(cli.Console, [.. results.Select(r => (path, r.Face))]);
                MatchView.Print(cli.Console, path, results, scores, matcher.Index, pipeline.Calibration, p, likeness);
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>--likeness: null for the model's shipped reference, or the gallery's own different-identity pairs.</summary>
    private static LikenessTable? Likeness(string? source, Matcher matcher, Faces.FacePipeline pipeline) => source switch
    {
        "reference" or null => null,
        "gallery" => LikenessTable.FromGallery(matcher.Store.Faces(pipeline.ModelId), $"pairs of faces of different identities in {matcher.Store.Location}")
            ?? throw new CliException($"--likeness gallery needs at least {LikenessTable.MinGalleryIdentities} identities and {LikenessTable.MinGalleryPairs:N0} different-person pairs"),
        var other => throw new CliException($"--likeness is reference or gallery, not '{other}'"),
    };
}
