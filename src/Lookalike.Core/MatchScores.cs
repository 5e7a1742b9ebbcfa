using System.Globalization;
using Lookalike.Search;

namespace Lookalike;

/// <summary>What a match tells a person: how alike (likeness) and whether it is the same person (open-set probability).</summary>
/// <param name="Probability">P(this face is this identity | every identity's score, this gallery, the prior).</param>
/// <param name="Same">The verdict: <see cref="Probability"/> at least <see cref="OpenSetProbability.SameAt"/>.</param>
/// <param name="Likeness">Share of reference different-person pairs less similar than the best face; null without a reference.</param>
public readonly record struct MatchScore(double Probability, bool Same, double? Likeness);

/// <summary>The two numbers of every match, computed in one place for the JSON, the CLI text, the pictures and the web page.</summary>
public static class MatchScores
{
    /// <summary>The probability, verdict and likeness of each of <paramref name="result"/>'s matches, in the same order.</summary>
    /// <param name="index">The search the matches came from (its identity count is the gallery size N).</param>
    /// <param name="result">One face and its matches.</param>
    /// <param name="calibration">The model's calibration (its open-set model and likeness); the stock one when null.</param>
    /// <param name="prior">The open-set prior (0–1) that the person is in the gallery.</param>
    /// <param name="likeness">The likeness reference (e.g. the gallery's own); the calibration's when null.</param>
    public static MatchScore[] Of(IFaceSearch index, FaceMatches result, Calibration? calibration = null,
        double prior = OpenSetProbability.DefaultPrior, LikenessTable? likeness = null)
    {
        calibration ??= Calibration.Default;
        likeness ??= calibration.Likeness;
        var p = OpenSetProbability.ForMatches(index, result.Face.Embedding, result.Matches, calibration, prior);
        return [.. result.Matches.Select((m, k) => new MatchScore(p[k], p[k] >= OpenSetProbability.SameAt, likeness?.Likeness(m.BestSimilarity)))];
    }

    /// <summary>Headline wording: "looks 97 % alike" (or the cosine when there is no reference).</summary>
    public static string Alike(MatchScore s, float bestCosine) => s.Likeness is { } l
        ? string.Create(CultureInfo.InvariantCulture, $"looks {Percent(l)} alike")
        : string.Create(CultureInfo.InvariantCulture, $"cosine {bestCosine:F2}");

    /// <summary>"3 % same person".</summary>
    public static string SamePerson(MatchScore s) => $"{Percent(s.Probability)} same person";

    /// <summary>A percentage that never rounds a tail into a certainty: 99.96 % reads "99.9 %", 0.002 % reads "&lt; 0.1 %".</summary>
    public static string Percent(double p) => p switch
    {
        > 0.99 and < 1 => Math.Min(99.9, p * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %",
        > 0 and < 0.001 => "< 0.1 %",
        > 0 and < 0.01 => (p * 100).ToString("0.0", CultureInfo.InvariantCulture) + " %",
        _ => (p * 100).ToString("0", CultureInfo.InvariantCulture) + " %",
    };

    /// <summary>The short legend printed under match results.</summary>
    public static string Legend(IFaceSearch index, Calibration? calibration = null, double prior = OpenSetProbability.DefaultPrior, LikenessTable? likeness = null)
    {
        calibration ??= Calibration.Default;
        likeness ??= calibration.Likeness;
        var alike = likeness is null
            ? "alike: no reference distribution for this model, so the cosine is shown."
            : string.Create(CultureInfo.InvariantCulture, $"alike: the best face is more alike than this share of {likeness.Pairs:N0} {Shorten(likeness.Population)}; it does not say whether it is the same person.");
        return alike + Environment.NewLine + string.Create(CultureInfo.InvariantCulture,
            $"same person: the probability that the face is that person, among this gallery's {index.IdentityCount} identities, if beforehand it was {prior:P0} likely to be someone in the gallery (--prior).");
    }

    private static string Shorten(string population) => population.Length <= 240 ? population : population[..237] + "...";
}
