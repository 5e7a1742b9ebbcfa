using System.Globalization;
using Lookalike.Evaluation;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>`eval --gallery G --queries Q --strangers S`: the open-set figures as JSON and as a table (EvalCommand only calls these).</summary>
internal static class OpenSetView
{
    public static object Json(OpenSetResult r) => new
    {
        members = r.Members,
        strangers = r.Strangers,
        members_no_face = r.MembersNoFace,
        strangers_no_face = r.StrangersNoFace,
        strangers_in_gallery = r.StrangersInGallery,
        prior = r.Prior,
        dir_at_far = r.DetectionAndIdentification.ToDictionary(kv => kv.Key.ToString("0.###", CultureInfo.InvariantCulture), kv => kv.Value is { } v ? EvalView.R(v) : null),
        strangers_shown_at_50 = EvalView.R(r.StrangersShownAt50),
        members_right_at_50 = EvalView.R(r.MembersRightAt50),
        rank1 = EvalView.R(r.Rank1),
        top_match_ece = EvalView.R(r.Ece),
        reliability = r.Reliability.Select(b => new { low = b.Low, high = b.High, count = b.Count, mean_probability = EvalView.R(b.MeanProbability), observed = EvalView.R(b.Observed) }),
        strangers_shown = r.Queries.Where(q => !q.Member && q.Probability >= OpenSetProbability.SameAt)
            .Select(q => new { path = q.Path, identity = q.Identity, top = q.Top, probability = EvalView.R(q.Probability) }),
    };

    public static void Print(CliConsole console, OpenSetResult r)
    {
        console.WriteLine(EvalView.F($"open set: {r.Members} member photos, {r.Strangers} stranger photos ({r.StrangersInGallery} left out: their name is a gallery identity), {r.GalleryIdentities} identities, prior {r.Prior:0.###}"));
        var table = new Table().AddColumn("metric").AddColumn(new TableColumn("value").RightAligned()).AddColumn("note");
        foreach (var (far, v) in r.DetectionAndIdentification)
            table.AddRow(EvalView.F($"DIR @ FAR {far:0.###}"), v is { } x ? EvalView.F($"{x:F4}") : "n/a",
                v is null ? EvalView.F($"needs ≥ {Math.Round(1 / far):F0} strangers") : "members named right above the strangers' threshold");
        table.AddRow("strangers shown ≥ 50 %", EvalView.F($"{r.StrangersShownAt50:F4}"), "top match reads 'same person' (target ≤ 0.01)");
        table.AddRow("members right ≥ 50 %", EvalView.F($"{r.MembersRightAt50:F4}"), "right name at ≥ 50 % (target ≥ 0.90)");
        table.AddRow("rank-1 (members)", EvalView.F($"{r.Rank1:F4}"), "");
        table.AddRow("top-match ECE", EvalView.F($"{r.Ece:F4}"), "members and strangers, 10 bins (target ≤ 0.05)");
        table.AddRow("no face", EvalView.F($"{r.MembersNoFace} / {r.StrangersNoFace}"), "members (misses) / strangers (nothing shown)");
        console.Out.Write(table);
    }
}
