using System.CommandLine;
using System.Globalization;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Spectre.Console;

namespace Lookalike.Cli;

/// <summary>
/// `lookalike eval`: accuracy on the user's own labelled photos: verification from a pair list or a folder per
/// person, or identification from a gallery and a query folder. Images without a face count as failures (a pair
/// scores -1, a query misses) so a detector miss shows up in the numbers instead of silently shrinking the test.
/// </summary>
internal static class EvalCommand
{
    public static Command Create(Func<ParseResult, FacePipeline> pipelineFactory)
    {
        var pairs = new Option<FileInfo?>("--pairs") { Description = "CSV with columns a,b,same (paths relative to the CSV's folder unless --root)" };
        var root = new Option<DirectoryInfo?>("--root") { Description = "Folder the --pairs paths are relative to" };
        var identities = new Option<DirectoryInfo?>("--identities") { Description = "Folder per person: all same-person pairs + an equal seeded sample of different-person pairs" };
        var gallery = new Option<DirectoryInfo?>("--gallery") { Description = "Identification: gallery folder per person (with --queries)" };
        var queries = new Option<DirectoryInfo?>("--queries") { Description = "Identification: query folder per person (with --gallery)" };
        var strangers = new Option<DirectoryInfo?>("--strangers") { Description = "Open set: folder per person of people NOT in the gallery (with --gallery, --queries)" };
        var prior = new Option<double>("--prior") { Description = "Open set: prior that a query's person is in the gallery", DefaultValueFactory = _ => OpenSetProbability.DefaultPrior };
        var groups = new Option<FileInfo?>("--groups") { Description = "CSV identity,group: adds a per-group table (and ROC curves in the report)" };
        var report = new Option<DirectoryInfo?>("--report") { Description = "Write PNG plots and a self-contained index.html into this folder" };
        var calibration = new Option<FileInfo?>("--calibration") { Description = "Calibration file (from 'lookalike calibrate') for the reliability figures (default: built-in)" };
        var seed = new Option<int>("--seed") { Description = "Seed for pair sampling and the bootstrap", DefaultValueFactory = _ => Bootstrap.DefaultSeed };
        var resamples = new Option<int>("--resamples") { Description = "Bootstrap resamples for the 95% intervals", DefaultValueFactory = _ => Bootstrap.DefaultResamples };
        var workers = new Option<int>("--workers") { Description = "Images analysed in parallel", DefaultValueFactory = _ => 2 };
        var compare = new Option<string?>("--compare") { Description = "Verification: comma-separated models (e.g. stock,stock+flip,my-model) measured side by side" };
        var cmd = new Command("eval", "Measure verification (ROC-AUC, EER, TAR@FAR, accuracy) or identification (rank-1/5, CMC) on labelled photos")
        {
            pairs, root, identities, gallery, queries, groups, report, calibration, seed, resamples, workers, compare, strangers, prior,
        };
        cmd.SetAction(parse => Commands.Run(parse, () =>
        {
            var json = parse.GetValue<bool>("--json");
            var groupMap = parse.GetValue(groups) is { } g ? Groups.Read(g.FullName) : null;
            Calibration? cal = parse.GetValue(calibration) is { } c ? Calibration.Load(c.FullName) : null;
            var reportDir = parse.GetValue(report);
            int n = Math.Max(1, parse.GetValue(workers)), s = parse.GetValue(seed), r = Math.Max(1, parse.GetValue(resamples));
            if (parse.GetValue(gallery) is { } gdir)
            {
                var qdir = parse.GetValue(queries) ?? throw new CliException("--gallery needs --queries");
                var galleryImages = PersonFolders.Read(gdir.FullName);
                var queryImages = PersonFolders.Read(qdir.FullName);
                var strangerImages = parse.GetValue(strangers) is { } sdir ? PersonFolders.Read(sdir.FullName) : null;
                using var pipeline = pipelineFactory(parse);
                var embeddings = Embed(pipeline, galleryImages.Concat(queryImages).Concat(strangerImages ?? []).Select(i => i.Path), n);
                var result = Identification.Evaluate(galleryImages, queryImages, embeddings);
                var openSet = strangerImages is null ? null
                    : OpenSetEval.Evaluate(galleryImages, queryImages, strangerImages, embeddings, cal ?? pipeline.Calibration, parse.GetValue(prior));
                var perGroup = groupMap is null ? null : result.Ranks.GroupBy(q => Groups.GroupOf(groupMap, q.Identity)).OrderBy(x => x.Key, StringComparer.Ordinal)
                    .Select(x => new GroupRanks(x.Key, x.Count(), x.Count(q => q.Rank == 1) / (double)x.Count(), x.Count(q => q.Rank is >= 1 and <= 5) / (double)x.Count())).ToList();
                if (reportDir is not null) EvalReport.WriteIdentification(reportDir.FullName, gdir.FullName, qdir.FullName, result, perGroup, embeddings.Failures, openSet);
                if (json)
                    Output.WriteJson(new
                    {
                        gallery = gdir.FullName,
                        queries = result.Queries,
                        rank1 = R(result.Rank1),
                        rank5 = R(result.Rank5),
                        no_face = result.NoFace,
                        gallery_images = result.GalleryImages,
                        gallery_no_face = result.GalleryNoFace,
                        gallery_identities = result.GalleryIdentities,
                        cmc = result.Cmc.Select(R),
                        no_face_images = embeddings.Failures,
                        groups = perGroup?.Select(p => new { group = p.Group, queries = p.Queries, rank1 = R(p.Rank1), rank5 = R(p.Rank5) }),
                        open_set = openSet is null ? null : OpenSetOutput.Json(openSet),
                    });
                else
                {
                    Console.WriteLine($"{result.Queries} queries against {result.GalleryImages} gallery images ({result.GalleryIdentities} identities)");
                    Console.WriteLine(F($"rank-1 {result.Rank1:F4}   rank-5 {result.Rank5:F4}   queries without a face {result.NoFace} (counted as misses), gallery images without a face {result.GalleryNoFace}"));
                    if (perGroup is not null)
                    {
                        var table = new Table().AddColumn("group").AddColumn(new TableColumn("queries").RightAligned()).AddColumn(new TableColumn("rank-1").RightAligned()).AddColumn(new TableColumn("rank-5").RightAligned());
                        foreach (var p in perGroup) table.AddRow(Markup.Escape(p.Group), p.Queries.ToString(CultureInfo.InvariantCulture), F($"{p.Rank1:F4}"), F($"{p.Rank5:F4}"));
                        AnsiConsole.Write(table);
                    }
                    if (openSet is not null) OpenSetOutput.Print(openSet);
                }
                return 0;
            }

            List<ImagePair> list;
            string source;
            if (parse.GetValue(pairs) is { } csv)
            {
                list = PairList.Read(csv.FullName, parse.GetValue(root)?.FullName);
                source = csv.FullName;
            }
            else if (parse.GetValue(identities) is { } idir)
            {
                list = PersonFolders.Pairs(PersonFolders.Read(idir.FullName), s);
                source = idir.FullName;
            }
            else throw new CliException("give --pairs CSV, --identities DIR, or --gallery DIR --queries DIR");
            if (list.Count == 0) throw new CliException($"no pairs in {source}");
            if (parse.GetValue(compare) is { Length: > 0 } names)
            {
                Compare(parse, list, names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), n, r, s, json);
                return 0;
            }
            {
                using var pipeline = pipelineFactory(parse);
                cal ??= pipeline.Calibration;
                var embeddings = Embed(pipeline, list.SelectMany(p => new[] { p.A, p.B }), n);
                var scores = embeddings.Score(list);
                var result = VerificationEval.Evaluate(scores, r, s, cal.Threshold);
                var faces = FoundPairs(list, scores, embeddings);
                var perGroup = groupMap is null ? null : Groups.Split(list, scores, groupMap).ToDictionary(kv => kv.Key, kv => VerificationEval.Evaluate(kv.Value, r, s, cal.Threshold));
                var ece = faces.Count > 0 ? cal.Ece(faces) : double.NaN;
                if (reportDir is not null) EvalReport.WriteVerification(reportDir.FullName, source, result, perGroup, cal, faces, embeddings.Failures);
                if (json)
                    Output.WriteJson(new
                    {
                        source,
                        pairs = result.Pairs,
                        same = result.Same,
                        different = result.Different,
                        images = embeddings.Count,
                        no_face = embeddings.Failures.Count,
                        auc = R(result.Auc),
                        auc_ci = Ci(result.AucCi),
                        eer = R(result.Eer),
                        accuracy = R(result.Accuracy),
                        accuracy_ci = Ci(result.AccuracyCi),
                        threshold = R(result.Threshold),
                        accuracy_at_default = R(result.AccuracyAtDefault),
                        default_threshold = Math.Round(result.DefaultThreshold, 4),
                        tar_at_far = result.TarAtFar.ToDictionary(kv => kv.Key.ToString("0.###", CultureInfo.InvariantCulture), kv => kv.Value is { } v ? R(v) : (double?)null),
                        calibration_ece = R(ece),
                        calibration = cal.FittedOn,
                        no_face_images = embeddings.Failures,
                        groups = perGroup?.Select(kv => new
                        {
                            group = kv.Key, pairs = kv.Value.Pairs, same = kv.Value.Same, different = kv.Value.Different,
                            auc = R(kv.Value.Auc), eer = R(kv.Value.Eer), accuracy = R(kv.Value.Accuracy), threshold = R(kv.Value.Threshold),
                            accuracy_at_default = R(kv.Value.AccuracyAtDefault),
                        }),
                    });
                else
                    PrintVerification(result, embeddings, perGroup, ece);
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>The same pairs through several models, one row each (what training or flip-TTA buys, and what it costs).</summary>
    private static void Compare(ParseResult parse, List<ImagePair> list, string[] models, int workers, int resamples, int seed, bool json)
    {
        var rows = new List<(string Model, string Id, VerificationResult Result, int NoFace, double Seconds)>();
        // Every name is checked before the first model runs: a typo should not cost the others' time.
        foreach (var name in models) Commands.Pipeline(parse, name).Dispose();
        foreach (var name in models)
        {
            using var pipeline = Commands.Pipeline(parse, name);
            var started = DateTime.UtcNow;
            var embeddings = Embed(pipeline, list.SelectMany(p => new[] { p.A, p.B }), workers);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            rows.Add((name, pipeline.ModelId, VerificationEval.Evaluate(embeddings.Score(list), resamples, seed, pipeline.Calibration.Threshold), embeddings.Failures.Count, seconds));
        }
        if (json)
        {
            Output.WriteJson(new
            {
                pairs = list.Count,
                models = rows.Select(x => new
                {
                    model = x.Model, id = x.Id, auc = R(x.Result.Auc), auc_ci = Ci(x.Result.AucCi), eer = R(x.Result.Eer),
                    accuracy = R(x.Result.Accuracy), threshold = R(x.Result.Threshold), no_face = x.NoFace,
                    tar_at_far = x.Result.TarAtFar.ToDictionary(kv => kv.Key.ToString("0.###", CultureInfo.InvariantCulture), kv => kv.Value is { } v ? R(v) : (double?)null),
                    seconds = Math.Round(x.Seconds, 1),
                }),
            });
            return;
        }
        var table = new Table().AddColumn("model").AddColumn(new TableColumn("ROC-AUC [[95% CI]]").RightAligned()).AddColumn(new TableColumn("EER").RightAligned())
            .AddColumn(new TableColumn("TAR@FAR 1e-2").RightAligned()).AddColumn(new TableColumn("best accuracy").RightAligned()).AddColumn(new TableColumn("no face").RightAligned())
            .AddColumn(new TableColumn("s").RightAligned());
        foreach (var x in rows)
            table.AddRow(Markup.Escape($"{x.Model} ({x.Id})"), Markup.Escape(F($"{x.Result.Auc:F4} [{x.Result.AucCi.Low:F4}, {x.Result.AucCi.High:F4}]")), F($"{x.Result.Eer:F4}"),
                x.Result.TarAtFar[0.01] is { } t ? F($"{t:F4}") : "n/a", F($"{x.Result.Accuracy:F4}"), x.NoFace.ToString(CultureInfo.InvariantCulture), F($"{x.Seconds:F0}"));
        Console.WriteLine($"{list.Count} pairs");
        AnsiConsole.Write(table);
    }

    internal sealed record GroupRanks(string Group, int Queries, double Rank1, double Rank5);

    /// <summary>Scored pairs where both images had a face: what a calibration describes.</summary>
    internal static List<ScoredPair> FoundPairs(IReadOnlyList<ImagePair> pairs, IReadOnlyList<ScoredPair> scores, ImageEmbeddings embeddings) =>
        [.. scores.Where((_, i) => embeddings[pairs[i].A] is not null && embeddings[pairs[i].B] is not null)];

    /// <summary>Embeds every distinct image once, with a progress bar on stderr.</summary>
    internal static ImageEmbeddings Embed(FacePipeline pipeline, IEnumerable<string> paths, int workers)
    {
        var distinct = paths.Distinct(StringComparer.Ordinal).ToList();
        return Output.Err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedlessRateColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{distinct.Count} images", maxValue: Math.Max(1, distinct.Count));
                var progress = new TaskProgress(task);
                return ImageEmbeddings.Compute(pipeline, distinct, progress, workers);
            });
    }

    private static void PrintVerification(VerificationResult v, ImageEmbeddings embeddings, IReadOnlyDictionary<string, VerificationResult>? groups, double ece)
    {
        Console.WriteLine($"{v.Pairs} pairs ({v.Same} same, {v.Different} different), {embeddings.Count} images, {embeddings.Failures.Count} without a face (their pairs score -1)");
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned()).AddColumn("95% interval / note");
        table.AddRow("ROC-AUC", F($"{v.Auc:F4}"), F($"{v.AucCi.Low:F4} – {v.AucCi.High:F4}"));
        table.AddRow("EER", F($"{v.Eer:F4}"), "");
        table.AddRow("best accuracy", F($"{v.Accuracy:F4}"), F($"{v.AccuracyCi.Low:F4} – {v.AccuracyCi.High:F4}"));
        table.AddRow("  at threshold", F($"{v.Threshold:F3}"), "chosen on these pairs (optimistic)");
        table.AddRow(F($"accuracy at {v.DefaultThreshold}"), F($"{v.AccuracyAtDefault:F4}"), "the model's shipped verdict threshold");
        foreach (var (far, tar) in v.TarAtFar)
            table.AddRow(F($"TAR @ FAR {far:0.###}"), tar is { } t ? F($"{t:F4}") : "n/a", tar is null ? F($"needs ≥ {Math.Round(1 / far):F0} different pairs") : "");
        table.AddRow("calibration ECE", double.IsNaN(ece) ? "n/a" : F($"{ece:F4}"), "10 bins, pairs with both faces");
        AnsiConsole.Write(table);
        foreach (var f in embeddings.Failures.Take(10)) Console.WriteLine($"  no face: {f}");
        if (embeddings.Failures.Count > 10) Console.WriteLine($"  … {embeddings.Failures.Count - 10} more (--json lists all)");
        if (groups is null) return;
        var gt = new Table().AddColumn("group");
        foreach (var h in new[] { "pairs", "same", "diff", "AUC", "EER", "best acc", "threshold", F($"acc@{v.DefaultThreshold}") }) gt.AddColumn(new TableColumn(h).RightAligned());
        foreach (var (name, g) in groups)
            gt.AddRow(Markup.Escape(name), g.Pairs.ToString(CultureInfo.InvariantCulture), g.Same.ToString(CultureInfo.InvariantCulture), g.Different.ToString(CultureInfo.InvariantCulture),
                Na(g.Auc), Na(g.Eer), Na(g.Accuracy), F($"{g.Threshold:F3}"), Na(g.AccuracyAtDefault));
        AnsiConsole.Write(gt);
    }

    private static string Na(double v) => double.IsNaN(v) ? "n/a" : F($"{v:F4}");
    internal static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    internal static double? R(double v) => double.IsNaN(v) ? null : Math.Round(v, 4);
    private static double?[] Ci(Interval i) => [R(i.Low), R(i.High)];
}

/// <summary>Moves a Spectre task from the worker threads.</summary>
internal sealed class TaskProgress(ProgressTask task) : IProgress<int>
{
    public void Report(int value)
    {
        lock (task) if (value > task.Value) task.Value = value;
    }
}
