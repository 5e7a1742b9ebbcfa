using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Evaluation;

namespace Lookalike.Cli.Commands;

/// <summary>
/// `lookalike eval`: accuracy on the user's own labelled photos: verification from a pair list or a folder per
/// person, or identification from a gallery and a query folder. Images without a face count as failures (a pair
/// scores -1, a query misses) so a detector miss shows up in the numbers instead of silently shrinking the test.
/// </summary>
internal static class EvalCommand
{
    /// <summary>The settings every kind of evaluation shares.</summary>
    private sealed record Run(CliContext Cli, ParseResult Parse, IReadOnlyDictionary<string, string>? Groups, Calibration? Calibration,
        string? ReportDir, int Workers, int Seed, int Resamples, string? StrangersDir, double Prior);

    public static Command Create(CliContext cli)
    {
        var pairs = new Option<FileInfo?>("--pairs") { Description = "CSV with columns a,b,same (paths relative to the CSV's folder unless --root)" };
        var root = new Option<DirectoryInfo?>("--root") { Description = "Folder the --pairs paths are relative to" };
        var identities = new Option<DirectoryInfo?>("--identities") { Description = "Folder per person: all same-person pairs + an equal seeded sample of different-person pairs" };
        var gallery = new Option<DirectoryInfo?>("--gallery") { Description = "Identification: gallery folder per person (with --queries)" };
        var queries = new Option<DirectoryInfo?>("--queries") { Description = "Identification: query folder per person (with --gallery)" };
        var groups = new Option<FileInfo?>("--groups") { Description = "CSV identity,group: adds a per-group table (and ROC curves in the report)" };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Write PNG plots and a self-contained index.html into this folder" };
        var calibration = new Option<FileInfo?>("--calibration") { Description = "Calibration file (from 'lookalike calibrate') for the reliability figures (default: built-in)" };
        var seed = new Option<int>("--seed") { Description = "Seed for pair sampling and the bootstrap", DefaultValueFactory = _ => Bootstrap.DefaultSeed };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples for the 95% intervals", DefaultValueFactory = _ => Bootstrap.DefaultResamples };
        var workers = new Option<int>("--workers") { Description = "Images analysed in parallel", DefaultValueFactory = _ => 2 };
        var strangers = new Option<DirectoryInfo?>("--strangers") { Description = "Open set: folder per person of people NOT in the gallery (with --gallery, --queries)" };
        var prior = new Option<double>("--prior") { Description = "Open set: prior that a query's person is in the gallery", DefaultValueFactory = _ => OpenSetProbability.DefaultPrior };
        var compare = new Option<string?>("--compare") { Description = "Verification: comma-separated models (e.g. stock,stock+flip,my-model) measured side by side" };
        var cmd = new Command("eval", "Measure verification (ROC-AUC, EER, TAR@FAR, accuracy) or identification (rank-1/5, CMC) on labelled photos")
        {
            pairs, root, identities, gallery, queries, groups, report, calibration, seed, resamples, workers, compare, strangers, prior,
        };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var run = new Run(cli, parse, parse.GetValue(groups) is { } g ? Lookalike.Evaluation.Groups.Read(g.FullName) : null,
                parse.GetValue(calibration) is { } c ? Calibration.Load(c.FullName) : null, parse.GetValue(report)?.FullName,
                Math.Max(1, parse.GetValue(workers)), parse.GetValue(seed), Math.Max(1, parse.GetValue(resamples)),
                parse.GetValue(strangers)?.FullName, parse.GetValue(prior));
            if (parse.GetValue(gallery) is { } gdir)
                return Identify(run, gdir.FullName, (parse.GetValue(queries) ?? throw new CliException("--gallery needs --queries")).FullName);
            var (list, source) = parse.GetValue(pairs) is { } csv ? (PairList.Read(csv.FullName, parse.GetValue(root)?.FullName), csv.FullName)
                : parse.GetValue(identities) is { } idir ? (PersonFolders.Pairs(PersonFolders.Read(idir.FullName), run.Seed), idir.FullName)
                : throw new CliException("give --pairs CSV, --identities DIR, or --gallery DIR --queries DIR");
            if (list.Count == 0) throw new CliException($"no pairs in {source}");
            if (parse.GetValue(compare) is { Length: > 0 } names)
                return Compare(run, list, names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            return Verify(run, list, source);
        }));
        return cmd;
    }

    /// <summary>Rank-1/5 and the CMC of the query folder against the gallery folder (per group with --groups).</summary>
    private static int Identify(Run run, string galleryDir, string queryDir)
    {
        var galleryImages = PersonFolders.Read(galleryDir);
        var queryImages = PersonFolders.Read(queryDir);
        var strangerImages = run.StrangersDir is null ? null : PersonFolders.Read(run.StrangersDir);
        using var pipeline = run.Cli.Pipeline(run.Parse);
        var embeddings = ProgressBars.Embed(run.Cli.Console.Err, pipeline, galleryImages.Concat(queryImages).Concat(strangerImages ?? []).Select(i => i.Path), run.Workers);
        var result = Identification.Evaluate(galleryImages, queryImages, embeddings);
        var openSet = strangerImages is null ? null
            : OpenSetEval.Evaluate(galleryImages, queryImages, strangerImages, embeddings, run.Calibration ?? pipeline.Calibration, run.Prior);
        var perGroup = run.Groups is null ? null : GroupRanks.Of(result, run.Groups);
        if (run.ReportDir is not null) EvalReport.WriteIdentification(run.ReportDir, galleryDir, queryDir, result, perGroup, embeddings.Failures, run.Cli.Console.Stderr, openSet);
        if (CliContext.Json(run.Parse)) run.Cli.Console.WriteJson(EvalView.IdentificationJson(galleryDir, result, embeddings, perGroup, openSet));
        else
        {
            EvalView.PrintIdentification(run.Cli.Console, result, perGroup);
            if (openSet is not null) OpenSetView.Print(run.Cli.Console, openSet);
        }
        return 0;
    }

    /// <summary>ROC-AUC, EER, TAR@FAR, accuracy and calibration error of the pairs (per group with --groups).</summary>
    private static int Verify(Run run, List<ImagePair> list, string source)
    {
        using var pipeline = run.Cli.Pipeline(run.Parse);
        var cal = run.Calibration ?? pipeline.Calibration;
        var embeddings = ProgressBars.Embed(run.Cli.Console.Err, pipeline, list.SelectMany(p => new[] { p.A, p.B }), run.Workers);
        var scores = embeddings.Score(list);
        var result = VerificationEval.Evaluate(scores, run.Resamples, run.Seed, cal.Threshold);
        var faces = FoundPairs(list, scores, embeddings);
        var perGroup = run.Groups is null ? null : Lookalike.Evaluation.Groups.Split(list, scores, run.Groups)
            .ToDictionary(kv => kv.Key, kv => VerificationEval.Evaluate(kv.Value, run.Resamples, run.Seed, cal.Threshold));
        var ece = faces.Count > 0 ? cal.Ece(faces) : double.NaN;
        if (run.ReportDir is not null) EvalReport.WriteVerification(run.ReportDir, source, result, perGroup, cal, faces, embeddings.Failures, run.Cli.Console.Stderr);
        if (CliContext.Json(run.Parse)) run.Cli.Console.WriteJson(EvalView.VerificationJson(source, result, embeddings, cal, ece, perGroup));
        else EvalView.PrintVerification(run.Cli.Console, result, embeddings, perGroup, ece);
        return 0;
    }

    /// <summary>The same pairs through several models, one row each (what training or flip-TTA buys, and what it costs).</summary>
    private static int Compare(Run run, List<ImagePair> list, string[] models)
    {
        var rows = new List<EvalView.ModelRow>();
        // Every name is checked before the first model runs: a typo should not cost the others' time.
        foreach (var name in models) run.Cli.Pipeline(run.Parse, name).Dispose();
        foreach (var name in models)
        {
            using var pipeline = run.Cli.Pipeline(run.Parse, name);
            var started = DateTime.UtcNow;
            var embeddings = ProgressBars.Embed(run.Cli.Console.Err, pipeline, list.SelectMany(p => new[] { p.A, p.B }), run.Workers);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            rows.Add(new(name, pipeline.ModelId, VerificationEval.Evaluate(embeddings.Score(list), run.Resamples, run.Seed, pipeline.Calibration.Threshold), embeddings.Failures.Count, seconds));
        }
        if (CliContext.Json(run.Parse)) run.Cli.Console.WriteJson(EvalView.CompareJson(list.Count, rows));
        else EvalView.PrintCompare(run.Cli.Console, list.Count, rows);
        return 0;
    }

    /// <summary>Scored pairs where both images had a face: what a calibration describes.</summary>
    internal static List<ScoredPair> FoundPairs(IReadOnlyList<ImagePair> pairs, IReadOnlyList<ScoredPair> scores, ImageEmbeddings embeddings) =>
        [.. scores.Where((_, i) => embeddings[pairs[i].A] is not null && embeddings[pairs[i].B] is not null)];
}
