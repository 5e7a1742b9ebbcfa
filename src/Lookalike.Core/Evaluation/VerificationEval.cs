namespace Lookalike.Evaluation;

/// <summary>Verification statistics (ROC, AUC, EER, accuracy, TAR at FAR, bootstrap intervals) of scored pairs.</summary>
public static class VerificationEval
{
    /// <summary>The false accept rates TAR is reported at.</summary>
    public static readonly double[] FarLevels = [1e-1, 1e-2, 1e-3];

    /// <param name="verdictThreshold">The cosine the model's verdict uses (its <see cref="Calibration.Threshold"/>); the stock one when null.</param>
    /// <summary>Computes all verification statistics of <paramref name="scores"/>.</summary>
    /// <param name="scores">Cosine score and truth of each pair.</param>
    /// <param name="resamples">Bootstrap resamples for the confidence intervals.</param>
    /// <param name="seed">Bootstrap seed.</param>
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
