using Lookalike.Search;

namespace Lookalike;

/// <summary>
/// P(this face is this gallery identity | the scores, this gallery): open-set identification. With N identities, a
/// prior π that the person is in the gallery at all (each identity then equally likely, π/N) and each identity's
/// likelihood ratio L_k from <see cref="OpenSetModel"/>:
/// <code>P(k) = (π/N)·L_k / ((1 − π) + (π/N)·Σ_j L_j)</code>
/// so a high score only wins when it stands out from what N strangers' best scores would be, and the remaining
/// 1 − Σ P(k) is the probability that the person is not in the gallery. Chosen by measurement over a score-normalised
/// (z against the query's other scores) and a margin variant: docs/accuracy.md "Same person: open-set probability".
/// </summary>
public static class OpenSetProbability
{
    /// <summary>
    /// The prior that a face shown to a gallery belongs to one of its people: 0.5, "as likely in it as not". A
    /// look-alike app where most users are not in the gallery should pass less (e.g. 0.1); an access list, more.
    /// </summary>
    public const double DefaultPrior = 0.5;

    /// <summary>The verdict "same person": the probability is at least this (more likely than not).</summary>
    public const double SameAt = 0.5;

    /// <summary>
    /// Probabilities for <paramref name="scores"/> (each identity's score, as the model reads it) in the same order.
    /// Identities not listed (a search returns the top few) count with a ratio of 0: their scores are below the listed ones.
    /// </summary>
    /// <param name="model">Turns each score into a log likelihood ratio.</param>
    /// <param name="scores">Each listed identity's score, as <paramref name="model"/> reads it (<see cref="OpenSetModel.ScoreOf"/>).</param>
    /// <param name="identityCount">N, the gallery's number of identities (at least the number of scores).</param>
    /// <param name="prior">The probability (0–1) that the person is in the gallery at all.</param>
    public static double[] Posterior(OpenSetModel model, IReadOnlyList<float> scores, int identityCount, double prior = DefaultPrior)
    {
        if (!(prior is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(prior), "the prior is a probability in [0, 1]");
        var n = Math.Max(identityCount, scores.Count);
        var result = new double[scores.Count];
        if (scores.Count == 0 || prior == 0) return result;
        // In logs: each term is ln(π/N) + ln L_k; the alternative is ln(1 − π).
        var logs = scores.Select(s => Math.Log(prior / n) + model.LogLikelihoodRatio(s)).ToArray();
        var none = prior < 1 ? Math.Log(1 - prior) : double.NegativeInfinity;
        var max = Math.Max(none, logs.Max());
        var denominator = Math.Exp(none - max) + logs.Sum(l => Math.Exp(l - max));
        for (var i = 0; i < logs.Length; i++) result[i] = Math.Exp(logs[i] - max) / denominator;
        return result;
    }

    /// <summary>
    /// How many of the best identities enter the sum. The others' ratios are negligible beside the "not in the gallery"
    /// term (1 − π)·N/π: below the 100th identity scores are strangers' (ratio e^(36·0.2 − 10.7) ≈ 0.03 at cosine 0.2, so
    /// even 10,000 of them add 3 % of N), and one search stays one bounded query on pgvector.
    /// </summary>
    public const int SummedIdentities = 100;

    /// <summary>
    /// The probability of each shown match: the query's best <see cref="SummedIdentities"/> identities are scored (the
    /// sum in the denominator needs them), then the shown ones are looked up by name.
    /// </summary>
    public static double[] ForMatches(IFaceSearch index, ReadOnlySpan<float> query, IReadOnlyList<IdentityMatch> shown, Calibration calibration,
        double prior = DefaultPrior)
    {
        if (shown.Count == 0) return [];
        var model = calibration.Identification;
        var all = index.IdentityCount <= shown.Count ? shown : index.Search(query, Math.Min(index.IdentityCount, Math.Max(shown.Count, SummedIdentities)));
        var p = Posterior(model, [.. all.Select(model.ScoreOf)], index.IdentityCount, prior);
        var byName = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < all.Count; i++) byName.TryAdd(all[i].Identity, p[i]);
        // A shown identity missing from the full list (an approximate search) gets its own term against the full list's sum.
        return [.. shown.Select(m => byName.TryGetValue(m.Identity, out var v) ? v : Posterior(model, [model.ScoreOf(m)], index.IdentityCount, prior)[0])];
    }
}
