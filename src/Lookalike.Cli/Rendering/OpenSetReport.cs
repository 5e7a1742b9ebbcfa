using System.Globalization;
using System.Net;
using System.Text;
using Lookalike.Evaluation;
using ScottPlot;

namespace Lookalike.Cli.Rendering;

/// <summary>The open-set section of the `eval --report` page: the figures and the top match's reliability diagram.</summary>
internal static class OpenSetReport
{
    public const string Caption = "Open set: reliability of the top match's 'same person' probability, members and strangers together (numbers: queries in the bin).";

    public static void Table(StringBuilder sb, OpenSetResult r)
    {
        sb.Append("<h2>Open set: members and strangers</h2><table><tr><th>metric</th><th>value</th><th>note</th></tr>");
        EvalReport.Row(sb, "member photos / stranger photos", F($"{r.Members} / {r.Strangers}"), F($"{r.StrangersInGallery} stranger photos left out (name in the gallery)"));
        EvalReport.Row(sb, "prior (person in the gallery)", F($"{r.Prior:0.###}"), "");
        foreach (var (far, v) in r.DetectionAndIdentification)
            EvalReport.Row(sb, F($"DIR @ FAR {far:0.###}"), v is { } x ? F($"{x:F4}") : "n/a", v is null ? F($"needs ≥ {Math.Round(1 / far):F0} strangers") : "members named right above the strangers' threshold");
        EvalReport.Row(sb, "strangers shown ≥ 50 % same person", F($"{r.StrangersShownAt50:F4}"), "target ≤ 0.01");
        EvalReport.Row(sb, "members named right at ≥ 50 %", F($"{r.MembersRightAt50:F4}"), "target ≥ 0.90");
        EvalReport.Row(sb, "rank-1 (members)", F($"{r.Rank1:F4}"), "");
        EvalReport.Row(sb, "top-match ECE", F($"{r.Ece:F4}"), "10 bins, target ≤ 0.05");
        sb.Append("</table>");
        var shown = r.Queries.Where(q => !q.Member && q.Probability >= OpenSetProbability.SameAt).ToList();
        if (shown.Count == 0) return;
        sb.Append("<h3>Strangers shown ≥ 50 %</h3><table><tr><th>photo</th><th>top match</th><th>probability</th></tr>");
        foreach (var q in shown)
            sb.Append("<tr><td>").Append(WebUtility.HtmlEncode(q.Path)).Append("</td><td>").Append(WebUtility.HtmlEncode(q.Top ?? "")).Append(F($"</td><td>{q.Probability:F3}</td></tr>"));
        sb.Append("</table>");
    }

    public static string ReliabilityPlot(OpenSetResult r, string dir)
    {
        var rel = EvalReport.NewPlot(F($"Open-set reliability (top-match ECE {r.Ece:F3})"), "predicted P(top match is the person)", "observed share right");
        var diag = rel.Add.ScatterLine(new double[] { 0, 1 }, new double[] { 0, 1 }, Colors.Gray);
        diag.LinePattern = LinePattern.Dashed;
        diag.LegendText = "perfect calibration";
        if (r.Reliability.Count > 0)
        {
            var s = rel.Add.Scatter(r.Reliability.Select(b => b.MeanProbability).ToArray(), r.Reliability.Select(b => b.Observed).ToArray(), Colors.C1);
            s.MarkerSize = 9;
            s.LegendText = "bins (10, equal width)";
            foreach (var b in r.Reliability)
            {
                var t = rel.Add.Text(b.Count.ToString(CultureInfo.InvariantCulture), b.MeanProbability, b.Observed);
                t.LabelFontSize = 11;
                t.OffsetX = 6;
                t.OffsetY = -4;
            }
        }
        rel.Axes.SetLimits(-0.02, 1.02, -0.02, 1.02);
        rel.ShowLegend(Alignment.UpperLeft);
        return EvalReport.Save(rel, dir, "open_set_reliability.png");
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
