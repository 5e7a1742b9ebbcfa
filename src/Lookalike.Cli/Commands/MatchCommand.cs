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
        var cmd = new Command("match", "Find the most similar gallery identities for every face in a photo") { photo, db, top, output };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var pipeline = cli.Pipeline(parse);
            using var matcher = new Matcher(pipeline, CliContext.OpenExisting(parse.GetValue(db)!));
            CliContext.RequireFaces(matcher.Store, matcher.Index, pipeline);
            var path = parse.GetValue(photo)!.FullName;
            var analysis = pipeline.Analyze(path);
            var results = matcher.Match(analysis, Math.Max(1, parse.GetValue(top)));
            if (parse.GetValue(output) is { } png)
            {
                File.WriteAllBytes(png.FullName, MatchPicture.Render(results, matcher.Store, pipeline.Calibration));
                cli.Console.Err.WriteLine($"wrote {png.FullName}");
            }
            if (CliContext.Json(parse)) cli.Console.WriteJson(Contracts.Match(path, analysis, results, matcher.Index, calibration: pipeline.Calibration));
            else MatchView.Print(cli.Console, path, results, pipeline.Calibration);
            return 0;
        }));
        return cmd;
    }
}
