using Lookalike.Pictures;

namespace Lookalike.Cli.Rendering;

/// <summary>What `average` prints: how the average face was made and how well it is still recognised, or the JSON contract.</summary>
internal static class AverageView
{
    public static object Json(string label, string kind, int faces, int size, string png, double seconds, AverageRecognition r) => new
    {
        source = label, kind, faces_averaged = faces, size, output = png,
        seconds = Math.Round(seconds, 2),
        recognition = new
        {
            face_found = r.FaceFound, identity = r.Identity, mean_similarity_to_averaged = Round(r.MeanToAveraged),
            own_score = Round(r.OwnScore), best_other = r.BestOther, best_other_score = Round(r.BestOtherScore), rank = r.Rank,
            top = r.Top.Select(m => new { identity = m.Identity, score = Math.Round(m.Similarity, 4) }),
        },
    };

    public static string Describe(string label, string kind, int faces, string png, double seconds, AverageRecognition r)
    {
        var lines = new List<string> { $"averaged {faces} faces of {label} ({kind}) → {png} in {seconds:F1} s" };
        if (!r.FaceFound) { lines.Add("no face was found in the average picture"); return string.Join('\n', lines); }
        if (r.MeanToAveraged is { } mean) lines.Add($"mean similarity of the average to the faces in it: {mean:F3}");
        if (r.Rank is { } rank)
            lines.Add($"gallery: {r.Identity} ranks {rank} with {r.OwnScore:F3}; best other {r.BestOther} {r.BestOtherScore:F3}");
        else if (r.Top.Count > 0)
            lines.Add("most like: " + string.Join(", ", r.Top.Select(m => $"{m.Identity} {m.Similarity:F3}")));
        return string.Join('\n', lines);
    }

    private static double? Round(double? v) => v is { } x ? Math.Round(x, 4) : null;
}
