using System.Globalization;
using Lookalike.Evaluation;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>What `eval` prints: tables and lines, or the JSON contracts (field names are a contract).</summary>
internal static class EvalView
{
    /// <summary>One model's row in `eval --compare`.</summary>
    public sealed record ModelRow(string Model, string Id, VerificationResult Result, int NoFace, double Seconds);

    public static object IdentificationJson(string galleryDir, IdentificationResult result, ImageEmbeddings embeddings, IReadOnlyList<GroupRanks>? perGroup,
        OpenSetResult? openSet = null) => new
    {
        gallery = galleryDir,
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
        open_set = openSet is null ? null : OpenSetView.Json(openSet),
    };

    public static void PrintIdentification(CliConsole console, IdentificationResult result, IReadOnlyList<GroupRanks>? perGroup)
    {
        console.WriteLine($"{result.Queries} queries against {result.GalleryImages} gallery images ({result.GalleryIdentities} identities)");
        console.WriteLine(F($"rank-1 {result.Rank1:F4}   rank-5 {result.Rank5:F4}   queries without a face {result.NoFace} (counted as misses), gallery images without a face {result.GalleryNoFace}"));
        if (perGroup is null) return;
        var table = new Table().AddColumn("group").AddColumn(new TableColumn("queries").RightAligned()).AddColumn(new TableColumn("rank-1").RightAligned()).AddColumn(new TableColumn("rank-5").RightAligned());
        foreach (var p in perGroup) table.AddRow(Markup.Escape(p.Group), p.Queries.ToString(CultureInfo.InvariantCulture), F($"{p.Rank1:F4}"), F($"{p.Rank5:F4}"));
        console.Out.Write(table);
    }

    public static object VerificationJson(string source, VerificationResult result, ImageEmbeddings embeddings, Calibration cal, double ece,
        IReadOnlyDictionary<string, VerificationResult>? perGroup) => new
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
    };

    public static object CompareJson(int pairs, IReadOnlyList<ModelRow> rows) => new
    {
        pairs,
        models = rows.Select(x => new
        {
            model = x.Model, id = x.Id, auc = R(x.Result.Auc), auc_ci = Ci(x.Result.AucCi), eer = R(x.Result.Eer),
            accuracy = R(x.Result.Accuracy), threshold = R(x.Result.Threshold), no_face = x.NoFace,
            tar_at_far = x.Result.TarAtFar.ToDictionary(kv => kv.Key.ToString("0.###", CultureInfo.InvariantCulture), kv => kv.Value is { } v ? R(v) : (double?)null),
            seconds = Math.Round(x.Seconds, 1),
        }),
    };

    public static void PrintCompare(CliConsole console, int pairs, IReadOnlyList<ModelRow> rows)
    {
        var table = new Table().AddColumn("model").AddColumn(new TableColumn("ROC-AUC [[95% CI]]").RightAligned()).AddColumn(new TableColumn("EER").RightAligned())
            .AddColumn(new TableColumn("TAR@FAR 1e-2").RightAligned()).AddColumn(new TableColumn("best accuracy").RightAligned()).AddColumn(new TableColumn("no face").RightAligned())
            .AddColumn(new TableColumn("s").RightAligned());
        foreach (var x in rows)
            table.AddRow(Markup.Escape($"{x.Model} ({x.Id})"), Markup.Escape(F($"{x.Result.Auc:F4} [{x.Result.AucCi.Low:F4}, {x.Result.AucCi.High:F4}]")), F($"{x.Result.Eer:F4}"),
                x.Result.TarAtFar[0.01] is { } t ? F($"{t:F4}") : "n/a", F($"{x.Result.Accuracy:F4}"), x.NoFace.ToString(CultureInfo.InvariantCulture), F($"{x.Seconds:F0}"));
        console.WriteLine($"{pairs} pairs");
        console.Out.Write(table);
    }

    public static void PrintVerification(CliConsole console, VerificationResult v, ImageEmbeddings embeddings, IReadOnlyDictionary<string, VerificationResult>? groups, double ece)
    {
        console.WriteLine($"{v.Pairs} pairs ({v.Same} same, {v.Different} different), {embeddings.Count} images, {embeddings.Failures.Count} without a face (their pairs score -1)");
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned()).AddColumn("95% interval / note");
        table.AddRow("ROC-AUC", F($"{v.Auc:F4}"), F($"{v.AucCi.Low:F4} – {v.AucCi.High:F4}"));
        table.AddRow("EER", F($"{v.Eer:F4}"), "");
        table.AddRow("best accuracy", F($"{v.Accuracy:F4}"), F($"{v.AccuracyCi.Low:F4} – {v.AccuracyCi.High:F4}"));
        table.AddRow("  at threshold", F($"{v.Threshold:F3}"), "chosen on these pairs (optimistic)");
        table.AddRow(F($"accuracy at {v.DefaultThreshold}"), F($"{v.AccuracyAtDefault:F4}"), "the model's shipped verdict threshold");
        foreach (var (far, tar) in v.TarAtFar)
            table.AddRow(F($"TAR @ FAR {far:0.###}"), tar is { } t ? F($"{t:F4}") : "n/a", tar is null ? F($"needs ≥ {Math.Round(1 / far):F0} different pairs") : "");
        table.AddRow("calibration ECE", double.IsNaN(ece) ? "n/a" : F($"{ece:F4}"), "10 bins, pairs with both faces");
        console.Out.Write(table);
        foreach (var f in embeddings.Failures.Take(10)) console.WriteLine($"  no face: {f}");
        if (embeddings.Failures.Count > 10) console.WriteLine($"  … {embeddings.Failures.Count - 10} more (--json lists all)");
        if (groups is null) return;
        var gt = new Table().AddColumn("group");
        foreach (var h in new[] { "pairs", "same", "diff", "AUC", "EER", "best acc", "threshold", F($"acc@{v.DefaultThreshold}") }) gt.AddColumn(new TableColumn(h).RightAligned());
        foreach (var (name, g) in groups)
            gt.AddRow(Markup.Escape(name), g.Pairs.ToString(CultureInfo.InvariantCulture), g.Same.ToString(CultureInfo.InvariantCulture), g.Different.ToString(CultureInfo.InvariantCulture),
                Na(g.Auc), Na(g.Eer), Na(g.Accuracy), F($"{g.Threshold:F3}"), Na(g.AccuracyAtDefault));
        console.Out.Write(gt);
    }

    private static string Na(double v) => double.IsNaN(v) ? "n/a" : F($"{v:F4}");
    /// <summary>Invariant-culture formatting of an interpolated string.</summary>
    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
    /// <summary>Rounded to 4 digits for JSON; NaN (undefined) becomes null.</summary>
    public static double? R(double v) => double.IsNaN(v) ? null : Math.Round(v, 4);
    private static double?[] Ci(Interval i) => [R(i.Low), R(i.High)];
}
