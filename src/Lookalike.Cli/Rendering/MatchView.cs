using Lookalike.Faces;
using Lookalike.Gallery;

namespace Lookalike.Cli.Rendering;

/// <summary>What `match` and `compare` print without --json: each face's identities with the calibrated percentage, or one verdict line.</summary>
internal static class MatchView
{
    /// <summary>Each face's box, then its identities: P(same person) of the best face, both cosines, and "same?" past the verdict.</summary>
    public static void Print(CliConsole console, string path, IReadOnlyList<FaceMatches> results, Calibration calibration)
    {
        if (results.Count == 0) console.WriteLine($"no face found in {path}");
        for (var i = 0; i < results.Count; i++)
        {
            var b = results[i].Face.Box;
            console.WriteLine($"face {i + 1} at ({b.X:F0},{b.Y:F0}) {b.Width:F0}x{b.Height:F0}:");
            foreach (var m in results[i].Matches)
                console.WriteLine($"  {m.Identity,-28} {calibration.Probability(m.BestSimilarity),6:P0} same person  (similarity {m.Similarity:F3}, best face {m.BestSimilarity:F3}){(calibration.Same(m.BestSimilarity) ? "  same?" : "")}");
        }
    }

    /// <summary>`compare`'s line: cosine, P(same person) and the verdict at the model's threshold.</summary>
    public static string Verdict(float similarity, Calibration calibration) =>
        $"similarity {similarity:F3} (cosine), {calibration.Probability(similarity):P1} likely the same person → " +
        $"{(calibration.Same(similarity) ? "same person" : "different people")} (threshold {calibration.Threshold})";
}
