using System.Globalization;
using System.Net;
using System.Text;
using Lookalike.Evaluation;

using ScottPlot;

namespace Lookalike.Cli.Rendering;

/// <summary>
/// The `eval --report DIR` output: PNG plots (ScottPlot) and one index.html with the plots embedded as base64 and the
/// tables, so the page can be mailed or attached to an issue as a single file.
/// </summary>
internal static class EvalReport
{
    private const int Width = 640, Height = 480;
    private const string FontName = "Lookalike Sans";
    private static readonly Lazy<bool> s_font = new(() =>
    {
        // ScottPlot finds fonts through SkiaSharp's font manager, which has no fontconfig in this Skia build: register the file.
        if (Lookalike.Pictures.Fonts.LatinFile() is not { } file) return false;
        ScottPlot.Fonts.AddFontFile(FontName, file);
        return true;
    });

    public static void WriteVerification(string dir, string source, VerificationResult v, IReadOnlyDictionary<string, VerificationResult>? groups,
        Calibration calibration, IReadOnlyList<ScoredPair> facePairs, IReadOnlyList<string> failures, TextWriter notes)
    {
        Directory.CreateDirectory(dir);
        var images = new List<(string File, string Caption)>();

        var roc = NewPlot("ROC", "false accept rate (different pairs called same)", "true accept rate (same pairs called same)");
        AddRoc(roc, v, groups is null ? "all pairs" : "all pairs", Colors.C0);
        if (groups is not null)
        {
            var palette = new ScottPlot.Palettes.Category10();
            var i = 1;
            foreach (var (name, g) in groups.Where(kv => kv.Value.Same > 0 && kv.Value.Different > 0))
            {
                var line = roc.Add.ScatterLine(g.Curve.Select(p => p.Far).ToArray(), g.Curve.Select(p => p.Tar).ToArray(), palette.GetColor(i++));
                line.LegendText = F($"{name} (AUC {g.Auc:F3})");
                line.LineWidth = 1.5f;
            }
        }
        var (dfar, dtar) = Roc.RatesAt(v.Scores, v.DefaultThreshold);
        var def = roc.Add.Marker(dfar, dtar, MarkerShape.FilledSquare, 8, Colors.Black);
        def.LegendText = F($"default {v.DefaultThreshold}: FAR {dfar:F3}, TAR {dtar:F3}");
        // Drawn after (on top of) the default point as a ring, so both stay visible when they coincide.
        var (far, tar) = Roc.RatesAt(v.Scores, v.Threshold);
        var best = roc.Add.Marker(far, tar, MarkerShape.OpenCircle, 16, Colors.Red);
        best.MarkerLineWidth = 2.5f;
        best.LegendText = F($"best accuracy, cosine {v.Threshold:F3}: FAR {far:F3}, TAR {tar:F3}");
        roc.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        roc.ShowLegend(Alignment.LowerRight);
        images.Add((Save(roc, dir, "roc.png"), "ROC curve with the best-accuracy and the default operating points."));

        var rocLog = NewPlot("ROC, low false accept rates", "log10 false accept rate", "true accept rate");
        var pts = v.Curve.Where(p => p.Far > 0).ToList();
        if (pts.Count > 0)
        {
            var l = rocLog.Add.ScatterLine(pts.Select(p => Math.Log10(p.Far)).ToArray(), pts.Select(p => p.Tar).ToArray(), Colors.C0);
            l.LineWidth = 2;
            l.LegendText = "all pairs";
            if (far > 0) rocLog.Add.Marker(Math.Log10(far), tar, MarkerShape.FilledCircle, 10, Colors.Red);
            rocLog.Axes.SetLimits(Math.Floor(Math.Log10(1.0 / Math.Max(1, v.Different))) - 0.1, 0.05, -0.01, 1.01);
        }
        images.Add((Save(rocLog, dir, "roc_log.png"), "ROC with a logarithmic false-accept axis (starts at one different pair)."));

        var hist = NewPlot("Similarity of same and different pairs", "cosine similarity (failures score -1)", "pairs");
        AddHistogram(hist, v.Scores.Where(p => p.Same).Select(p => (double)p.Score).ToArray(), Colors.Green.WithAlpha(0.55), F($"same person ({v.Same})"));
        AddHistogram(hist, v.Scores.Where(p => !p.Same).Select(p => (double)p.Score).ToArray(), Colors.Red.WithAlpha(0.45), F($"different people ({v.Different})"));
        var thr = hist.Add.VerticalLine(v.Threshold, 2, Colors.Black);
        thr.LegendText = F($"best-accuracy threshold {v.Threshold:F3}");
        thr.LinePattern = LinePattern.Dashed;
        hist.Axes.Margins(bottom: 0);
        hist.ShowLegend(Alignment.UpperLeft);
        images.Add((Save(hist, dir, "histogram.png"), "Cosine similarity of same-person and different-person pairs."));

        var bins = calibration.Reliability(facePairs);
        var ece = calibration.Ece(facePairs);
        var rel = NewPlot(F($"Reliability (ECE {ece:F3}, {facePairs.Count} pairs)"), "predicted P(same)", "observed fraction of same-person pairs");
        var diag = rel.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }, Colors.Gray);
        diag.LinePattern = LinePattern.Dashed;
        diag.LegendText = "perfect calibration";
        if (bins.Count > 0)
        {
            var s = rel.Add.Scatter(bins.Select(b => b.MeanProbability).ToArray(), bins.Select(b => b.Observed).ToArray(), Colors.C0);
            s.MarkerSize = 9;
            s.LineWidth = 1;
            s.LegendText = "bins (10, equal width)";
            foreach (var b in bins)
            {
                var t = rel.Add.Text(b.Count.ToString(CultureInfo.InvariantCulture), b.MeanProbability, b.Observed);
                t.LabelFontSize = 11;
                t.LabelFontName = FontName;
                t.OffsetX = 6;
                t.OffsetY = -4;
            }
        }
        rel.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        rel.ShowLegend(Alignment.UpperLeft);
        images.Add((Save(rel, dir, "reliability.png"), "Reliability diagram: each point is a bin of pairs with both faces found (numbers: pairs in the bin). " +
            "Calibration: " + calibration));

        var html = Page("Verification: " + source, sb =>
        {
            sb.Append("<table><tr><th>metric</th><th>value</th><th>95% interval / note</th></tr>");
            Row(sb, "pairs", F($"{v.Pairs} ({v.Same} same, {v.Different} different)"), "");
            Row(sb, "images without a face", failures.Count.ToString(CultureInfo.InvariantCulture), "counted as failures: their pairs score -1");
            Row(sb, "ROC-AUC", F($"{v.Auc:F4}"), F($"{v.AucCi.Low:F4} – {v.AucCi.High:F4}"));
            Row(sb, "EER", F($"{v.Eer:F4}"), "");
            Row(sb, "best accuracy", F($"{v.Accuracy:F4}"), F($"{v.AccuracyCi.Low:F4} – {v.AccuracyCi.High:F4}"));
            Row(sb, "best-accuracy threshold", F($"{v.Threshold:F3}"), "chosen on these pairs (optimistic)");
            Row(sb, F($"accuracy at default threshold {v.DefaultThreshold}"), F($"{v.AccuracyAtDefault:F4}"), "");
            foreach (var (f, t) in v.TarAtFar)
                Row(sb, F($"TAR at FAR {f:0.###}"), t is { } x ? F($"{x:F4}") : "n/a", t is null ? F($"needs at least {Math.Round(1 / f):F0} different pairs") : "");
            Row(sb, "calibration ECE", double.IsNaN(ece) ? "n/a" : F($"{ece:F4}"), "10 bins; " + calibration);
            sb.Append("</table>");
            if (groups is not null)
            {
                sb.Append("<h2>Per group</h2><table><tr><th>group</th><th>pairs</th><th>same</th><th>different</th><th>AUC</th><th>EER</th><th>best accuracy</th><th>threshold</th>")
                  .Append(F($"<th>accuracy at {v.DefaultThreshold}</th></tr>"));
                foreach (var (name, g) in groups)
                    sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append(F($"</td><td>{g.Pairs}</td><td>{g.Same}</td><td>{g.Different}</td><td>{Na(g.Auc)}</td><td>{Na(g.Eer)}</td><td>{Na(g.Accuracy)}</td><td>{g.Threshold:F3}</td><td>{Na(g.AccuracyAtDefault)}</td></tr>"));
                sb.Append("</table>");
            }
            Failures(sb, failures);
        }, dir, images);
        File.WriteAllText(Path.Combine(dir, "index.html"), html);
        notes.WriteLine($"wrote {Path.Combine(dir, "index.html")} and {images.Count} PNGs");
    }

    public static void WriteIdentification(string dir, string gallery, string queries, IdentificationResult r, IReadOnlyList<GroupRanks>? groups, IReadOnlyList<string> failures, TextWriter notes,
        OpenSetResult? openSet = null)
    {
        Directory.CreateDirectory(dir);
        var cmc = NewPlot("CMC (cumulative match characteristic)", "rank k", "fraction of queries with the right identity in the top k");
        var ks = Enumerable.Range(1, r.Cmc.Count).Select(k => (double)k).ToArray();
        var line = cmc.Add.Scatter(ks, r.Cmc.ToArray(), Colors.C0);
        line.MarkerSize = 5;
        line.LineWidth = 2;
        line.LegendText = F($"{r.Queries} queries, {r.GalleryIdentities} identities: rank-1 {r.Rank1:F3}, rank-5 {r.Rank5:F3}");
        cmc.Axes.SetLimits(0.5, r.Cmc.Count + 0.5, Math.Max(0, Math.Floor((r.Cmc.Min() - 0.05) * 10) / 10), 1.01);
        cmc.ShowLegend(Alignment.LowerRight);
        var images = new List<(string, string)> { (Save(cmc, dir, "cmc.png"), "CMC curve: identity score as in 'lookalike match' (mean of an identity's top 3 face cosines).") };
        if (openSet is not null) images.Add((OpenSetReport.ReliabilityPlot(openSet, dir), OpenSetReport.Caption));
        var html = Page(F($"Identification: {gallery} ← {queries}"), sb =>
        {
            sb.Append("<table><tr><th>metric</th><th>value</th></tr>");
            Row(sb, "queries", r.Queries.ToString(CultureInfo.InvariantCulture), "");
            Row(sb, "queries without a face", r.NoFace.ToString(CultureInfo.InvariantCulture), "counted as misses");
            Row(sb, "gallery images (identities)", F($"{r.GalleryImages} ({r.GalleryIdentities})"), "");
            Row(sb, "gallery images without a face", r.GalleryNoFace.ToString(CultureInfo.InvariantCulture), "not in the gallery, as indexing would");
            Row(sb, "rank-1", F($"{r.Rank1:F4}"), "");
            Row(sb, "rank-5", F($"{r.Rank5:F4}"), "");
            sb.Append("</table>");
            if (groups is not null)
            {
                sb.Append("<h2>Per group</h2><table><tr><th>group</th><th>queries</th><th>rank-1</th><th>rank-5</th></tr>");
                foreach (var g in groups)
                    sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(g.Group)).Append(F($"</td><td>{g.Queries}</td><td>{g.Rank1:F4}</td><td>{g.Rank5:F4}</td></tr>"));
                sb.Append("</table>");
            }
            if (openSet is not null) OpenSetReport.Table(sb, openSet);
            var misses = r.Ranks.Where(q => q.Rank != 1).ToList();
            if (misses.Count > 0)
            {
                sb.Append("<h2>Queries not at rank 1</h2><table><tr><th>query</th><th>identity</th><th>rank</th></tr>");
                foreach (var q in misses)
                    sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(q.Path)).Append("</td><td>").Append(WebUtility.HtmlEncode(q.Identity))
                      .Append("</td><td>").Append(q.Rank == 0 ? "miss" : q.Rank.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
                sb.Append("</table>");
            }
            Failures(sb, failures);
        }, dir, images);
        File.WriteAllText(Path.Combine(dir, "index.html"), html);
        notes.WriteLine($"wrote {Path.Combine(dir, "index.html")} and {images.Count} PNG");
    }

    internal static Plot NewPlot(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }

    private static void AddRoc(Plot plot, VerificationResult v, string label, Color color)
    {
        var line = plot.Add.ScatterLine(v.Curve.Select(p => p.Far).ToArray(), v.Curve.Select(p => p.Tar).ToArray(), color);
        line.LineWidth = 2.5f;
        line.LegendText = F($"{label} (AUC {v.Auc:F4}, EER {v.Eer:F3})");
    }

    /// <summary>Bars of a histogram over [-1, 1] in 0.025-wide bins (the cosine range; failures land in the first bin).</summary>
    private static void AddHistogram(Plot plot, double[] values, Color color, string label)
    {
        const double lo = -1, width = 0.025;
        const int bins = 80;
        var counts = new double[bins];
        foreach (var v in values) counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
        var bars = Enumerable.Range(0, bins).Where(i => counts[i] > 0)
            .Select(i => new Bar { Position = lo + (i + 0.5) * width, Value = counts[i], Size = width, FillColor = color, LineWidth = 0 }).ToList();
        var plotted = plot.Add.Bars(bars);
        plotted.LegendText = label;
    }

    internal static string Save(Plot plot, string dir, string name)
    {
        if (s_font.Value) plot.Font.Set(FontName);
        var path = Path.Combine(dir, name);
        plot.SavePng(path, Width, Height);
        return path;
    }

    private static string Page(string title, Action<StringBuilder> body, string dir, IReadOnlyList<(string File, string Caption)> images)
    {
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").Append(WebUtility.HtmlEncode(title)).Append("</title>")
          .Append("<style>body{font-family:sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}")
          .Append("td:first-child,th:first-child{text-align:left}figure{display:inline-block;margin:0 1em 1em 0;max-width:660px}figcaption{font-size:90%;color:#444}</style></head><body>")
          .Append("<h1>").Append(WebUtility.HtmlEncode(title)).Append("</h1>")
          .Append("<p>lookalike eval, ").Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append("</p>");
        body(sb);
        foreach (var (file, caption) in images)
            sb.Append("<figure><img alt=\"").Append(WebUtility.HtmlEncode(Path.GetFileName(file))).Append("\" src=\"data:image/png;base64,")
              .Append(Convert.ToBase64String(File.ReadAllBytes(file))).Append("\"><figcaption>").Append(WebUtility.HtmlEncode(caption)).Append("</figcaption></figure>");
        sb.Append("</body></html>\n");
        return sb.ToString();
    }

    internal static void Row(StringBuilder sb, string name, string value, string note) =>
        sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(name)).Append("</td><td>").Append(WebUtility.HtmlEncode(value)).Append("</td><td>")
          .Append(WebUtility.HtmlEncode(note)).Append("</td></tr>");

    private static void Failures(StringBuilder sb, IReadOnlyList<string> failures)
    {
        if (failures.Count == 0) return;
        sb.Append("<h2>Images without a face</h2><ul>");
        foreach (var f in failures) sb.Append("<li>").Append(WebUtility.HtmlEncode(f)).Append("</li>");
        sb.Append("</ul>");
    }

    private static string Na(double v) => double.IsNaN(v) ? "n/a" : F($"{v:F4}");
    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
