using Spectre.Console;
using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Evaluation;
using Lookalike.Faces;

namespace Lookalike.Cli.Commands;

/// <summary>
/// `lookalike calibrate`: fits P(same | cosine) on the user's labelled pairs, because the built-in calibration
/// describes the shared test photos' population and another population (ages, cameras, ethnicities, look-alikes)
/// can need another curve. Reports the expected calibration error on held-apart pairs when given.
/// </summary>
internal static class CalibrateCommand
{
    public static Command Create(CliContext cli)
    {
        var pairs = new Option<FileInfo[]>("--pairs") { Description = "CSV(s) a,b,same to fit on (repeat the option for several)", Required = true };
        var holdout = new Option<FileInfo[]>("--holdout") { Description = "CSV(s) a,b,same NOT used for fitting, to report the calibration error on" };
        var output = new Option<FileInfo?>("--out") { Description = "Write the calibration as JSON (load it with --calibration)" };
        var workers = new Option<int>("--workers") { Description = "Images analysed in parallel", DefaultValueFactory = _ => 2 };
        var identities = new Option<DirectoryInfo[]>("--identities") { Description = "Folder(s) per person: every different-person pair becomes the likeness reference" };
        var gallery = new Option<DirectoryInfo?>("--gallery") { Description = "Refit the open-set 'same person' model: gallery folder per person (with --queries, optional --strangers)" };
        var queries = new Option<DirectoryInfo?>("--queries") { Description = "Photos of gallery people, folder per person (with --gallery)" };
        var strangers = new Option<DirectoryInfo?>("--strangers") { Description = "Photos of people not in the gallery (with --gallery)" };
        var cmd = new Command("calibrate", "Fit the probability that two faces are the same person from a cosine, on your own labelled pairs") { pairs, holdout, output, workers, identities, gallery, queries, strangers };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var fitFiles = parse.GetValue(pairs) ?? [];
            var holdFiles = parse.GetValue(holdout) ?? [];
            var fitPairs = fitFiles.SelectMany(f => PairList.Read(f.FullName)).ToList();
            var holdSets = holdFiles.Select(f => (File: f.FullName, Pairs: PairList.Read(f.FullName))).ToList();
            using var pipeline = cli.Pipeline(parse);
            var embeddings = ProgressBars.Embed(cli.Console.Err, pipeline, fitPairs.Concat(holdSets.SelectMany(h => h.Pairs)).SelectMany(p => new[] { p.A, p.B }), Math.Max(1, parse.GetValue(workers)));
            var fitScores = EvalCommand.FoundPairs(fitPairs, embeddings.Score(fitPairs), embeddings);
            var fittedOn = string.Join(" + ", fitFiles.Select(f => f.FullName));
            var cal = Calibration.Fit(fitScores, pipeline.ModelId, fittedOn);
            cal = RefitReferences.Apply(cal, pipeline, parse.GetValue(identities), parse.GetValue(gallery), parse.GetValue(queries), parse.GetValue(strangers),
                paths => ProgressBars.Embed(cli.Console.Err, pipeline, paths, Math.Max(1, parse.GetValue(workers))));
            var held = holdSets.Select(h => (h.File, Scores: EvalCommand.FoundPairs(h.Pairs, embeddings.Score(h.Pairs), embeddings))).ToList();
            if (parse.GetValue(output) is { } o)
            {
                cal.Save(o.FullName);
                cli.Console.Err.WriteLine($"wrote {o.FullName}");
            }
            if (CliContext.Json(parse))
                cli.Console.WriteJson(new
                {
                    model_id = cal.ModelId,
                    slope = Math.Round(cal.Slope, 6),
                    intercept = Math.Round(cal.Intercept, 6),
                    fitted_on = fittedOn,
                    fit_pairs = fitScores.Count,
                    skipped_pairs = fitPairs.Count - fitScores.Count,
                    fit_ece = EvalView.R(cal.Ece(fitScores)),
                    same_share = Math.Round(cal.SameShare, 6),
                    likeness = cal.Likeness?.ToString(),
                    open_set = cal.OpenSet?.ToString(),
                    holdout = held.Select(h => new { file = h.File, pairs = h.Scores.Count, ece = EvalView.R(cal.Ece(h.Scores)) }),
                    probability_at = new[] { 0.2f, 0.3f, 0.4f, Verification.Threshold, 0.5f, 0.6f }.ToDictionary(
                        c => c.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture), c => Math.Round(cal.Probability(c), 4)),
                });
            else
            {
                cli.Console.WriteLine(cal.ToString());
                cli.Console.WriteLine(cal.Likeness?.ToString() ?? "no likeness reference (give --identities)");
                cli.Console.WriteLine(cal.OpenSet is { } os ? $"open set: {os} ({os.FittedOn})" : "open set: from the pair curve (give --gallery and --queries to fit it)");
                cli.Console.WriteLine(EvalView.F($"fitted on {fitScores.Count} pairs with both faces ({fitPairs.Count - fitScores.Count} pairs with a missing face left out); ECE on them {cal.Ece(fitScores):F4} (in-sample)"));
                foreach (var h in held) cli.Console.WriteLine(EvalView.F($"held apart: {h.File}: {h.Scores.Count} pairs, ECE {cal.Ece(h.Scores):F4}"));
                foreach (var c in new[] { 0.2f, 0.3f, 0.4f, Verification.Threshold, 0.5f, 0.6f })
                    cli.Console.WriteLine(EvalView.F($"  cosine {c:F2} → P(same) {cal.Probability(c):P1}"));
            }
            return 0;
        }));
        return cmd;
    }
}
