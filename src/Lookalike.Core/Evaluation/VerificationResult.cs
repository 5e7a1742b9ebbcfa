namespace Lookalike.Evaluation;

/// <summary>Verification statistics of one list of scored pairs.</summary>
/// <param name="Threshold">The best-accuracy cosine threshold on these pairs (optimistic: chosen on the same pairs).</param>
/// <param name="Accuracy">Accuracy at <see cref="Threshold"/>.</param>
/// <param name="AccuracyAtDefault">Accuracy at <see cref="DefaultThreshold"/>: what a user gets without tuning.</param>
/// <param name="DefaultThreshold">The model's shipped verdict cosine (<see cref="Calibration.Threshold"/>).</param>
/// <param name="TarAtFar">FAR level → TAR, null where there are fewer than 1/FAR different pairs.</param>
/// <param name="AucCi">95% bootstrap interval of the AUC.</param>
/// <param name="AccuracyCi">95% bootstrap interval of the accuracy at <see cref="Threshold"/> (threshold held fixed).</param>
/// <param name="Pairs">Number of pairs.</param>
/// <param name="Same">Number of same-person pairs.</param>
/// <param name="Different">Number of different-person pairs.</param>
/// <param name="Auc">Area under the ROC curve, 0–1 (NaN without both classes).</param>
/// <param name="Eer">Equal error rate, 0–1: where false accept and false reject rates meet (NaN without both classes).</param>
/// <param name="Curve">The ROC curve, one point per distinct score.</param>
/// <param name="Scores">The scored pairs the statistics were computed from.</param>
public sealed record VerificationResult(int Pairs, int Same, int Different, double Auc, double Eer, float Threshold, double Accuracy,
    double AccuracyAtDefault, float DefaultThreshold, IReadOnlyDictionary<double, double?> TarAtFar, Interval AucCi, Interval AccuracyCi,
    IReadOnlyList<RocPoint> Curve, IReadOnlyList<ScoredPair> Scores);
