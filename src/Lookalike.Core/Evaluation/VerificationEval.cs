namespace Lookalike.Evaluation;

public static class VerificationEval
{
    /// <summary>The false accept rates TAR is reported at.</summary>
    public static readonly double[] FarLevels = [1e-1, 1e-2, 1e-3];

    /// <param name="verdictThreshold">The cosine the model's verdict uses (its <see cref="Calibration.Threshold"/>); the stock one when null.</param>
    public static VerificationResult Evaluate(IReadOnlyList<ScoredPair> scores, int resamples = Bootstrap.DefaultResamples, int seed = Bootstrap.DefaultSeed,
        float? verdictThreshold = null)
    {
        var (threshold, accuracy) = Roc.BestAccuracy(scores);
        var verdict = verdictThreshold ?? Verification.Threshold;
        return new VerificationResult(
            scores.Count, scores.Count(p => p.Same), scores.Count(p => !p.Same),
            Roc.Auc(scores), Roc.Eer(scores), threshold, accuracy, Roc.Accuracy(scores, verdict), verdict,
            FarLevels.ToDictionary(f => f, f => Roc.TarAtFar(scores, f)),
            Bootstrap.Interval(scores, Roc.Auc, resamples, seed),
            Bootstrap.Interval(scores, s => Roc.Accuracy(s, threshold), resamples, seed),
            Roc.Curve(scores), scores);
    }
}
