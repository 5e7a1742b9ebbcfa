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
        var prior = new Option<double?>("--prior") { Description = "How likely 'same person' was beforehand (default: the calibration's own, about half)" };
        var cmd = new Command("compare", "Similarity of the largest face in each photo, and a same/different verdict") { a, b, prior };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            if (parse.GetValue(prior) is < 0 or > 1) throw new CliException("--prior is a probability between 0 and 1");
            using var pipeline = cli.Pipeline(parse);
            Face Largest(FileInfo f) => pipeline.Analyze(f.FullName).Largest ?? throw new CliException($"no face found in {f.FullName}");
            var fa = Largest(parse.GetValue(a)!);
            var fb = Largest(parse.GetValue(b)!);
            var r = Contracts.Compare(fa, parse.GetValue(a)!.FullName, fb, parse.GetValue(b)!.FullName, pipeline.Calibration, parse.GetValue(prior));
            if (CliContext.Json(parse)) cli.Console.WriteJson(r);
            else
            {
                PoorFaces.Warn(cli.Console, [(parse.GetValue(a)!.FullName, fa), (parse.GetValue(b)!.FullName, fb)]);
                cli.Console.WriteLine(MatchView.Verdict(r, pipeline.Calibration));
            }
            return 0;
        }));
        return cmd;
    }
}
