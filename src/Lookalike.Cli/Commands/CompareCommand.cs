using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Faces;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike compare A B`: similarity of the largest face in each photo, and a same/different verdict.</summary>
internal static class CompareCommand
{
    public static Command Create(CliContext cli)
    {
        var a = new Argument<FileInfo>("a") { Description = "First photo" };
        var b = new Argument<FileInfo>("b") { Description = "Second photo" };
        var cmd = new Command("compare", "Similarity of the largest face in each photo, and a same/different verdict") { a, b };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var pipeline = cli.Pipeline(parse);
            Face Largest(FileInfo f) => pipeline.Analyze(f.FullName).Largest ?? throw new CliException($"no face found in {f.FullName}");
            var fa = Largest(parse.GetValue(a)!);
            var fb = Largest(parse.GetValue(b)!);
            if (CliContext.Json(parse))
                cli.Console.WriteJson(Contracts.Compare(fa, parse.GetValue(a)!.FullName, fb, parse.GetValue(b)!.FullName, pipeline.Calibration));
            else
                cli.Console.WriteLine(MatchView.Verdict(Verification.Similarity(fa, fb), pipeline.Calibration));
            return 0;
        }));
        return cmd;
    }
}
