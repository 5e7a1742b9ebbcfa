using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Cli.Rendering;

/// <summary>
/// What `match` and `compare` print without --json. Each line leads with how alike (the likeness) and says "same person"
/// only for the probability; a legend says what each number means and on which population it was measured.
/// </summary>
internal static class MatchView
{
    /// <summary>Each face's box, then its identities: likeness, the open-set probability, both cosines, and the verdict.</summary>
    public static void Print(CliConsole console, string path, IReadOnlyList<FaceMatches> results, IReadOnlyList<MatchScore[]> scores,
        IFaceSearch index, Calibration calibration, double prior, LikenessTable? likeness)
    {
        if (results.Count == 0) console.WriteLine($"no face found in {path}");
        for (var i = 0; i < results.Count; i++)
        {
            var b = results[i].Face.Box;
            console.WriteLine($"face {i + 1} at ({b.X:F0},{b.Y:F0}) {b.Width:F0}x{b.Height:F0}:");
            for (var k = 0; k < results[i].Matches.Count; k++)
            {
                var (m, s) = (results[i].Matches[k], scores[i][k]);
                console.WriteLine($"  {m.Identity,-28} {MatchScores.Alike(s, m.BestSimilarity),-18} {MatchScores.SamePerson(s),-20} (similarity {m.Similarity:F3}, best face {m.BestSimilarity:F3}){(s.Same ? "  same person" : "")}");
            }
        }
        if (results.Count > 0) console.WriteLine(MatchScores.Legend(index, calibration, prior, likeness));
    }

    /// <summary>`compare`'s two lines: how alike (likeness), then P(same person) and the verdict at the model's threshold.</summary>
    public static string Verdict(CompareResultJson r, Calibration calibration) =>
        (r.Likeness is { } l
            ? $"looks {MatchScores.Percent(l)} alike: more alike than {MatchScores.Percent(l)} of pairs of photos of two different people"
            : "no likeness reference for this model") + $" (cosine {r.Similarity:F3})" + Environment.NewLine +
        $"{MatchScores.Percent(r.Probability)} likely the same person{(r.Prior is { } pr ? $" (if beforehand {MatchScores.Percent(pr)})" : "")} → " +
        $"{(r.Same ? "same person" : "different people")} (threshold {calibration.Threshold})";
}
