namespace Lookalike.Evaluation;

/// <summary>Verification statistics of one list of scored pairs.</summary>
/// <param name="Threshold">The best-accuracy cosine threshold on these pairs (optimistic: chosen on the same pairs).</param>
/// <param name="Accuracy">Accuracy at <see cref="Threshold"/>.</param>
/// <param name="AccuracyAtDefault">Accuracy at <see cref="DefaultThreshold"/>: what a user gets without tuning.</param>
/// <param name="DefaultThreshold">The model's shipped verdict cosine (<see cref="Calibration.Threshold"/>).</param>
/// <param name="TarAtFar">FAR level → TAR, null where there are fewer than 1/FAR different pairs.</param>
/// <param name="AucCi">95% bootstrap interval of the AUC.</param>
/// <param name="AccuracyCi">95% bootstrap interval of the accuracy at <see cref="Threshold"/> (threshold held fixed).</param>
public sealed record VerificationResult(int Pairs, int Same, int Different, double Auc, double Eer, float Threshold, double Accuracy,
    double AccuracyAtDefault, float DefaultThreshold, IReadOnlyDictionary<double, double?> TarAtFar, Interval AucCi, Interval AccuracyCi,
    IReadOnlyList<RocPoint> Curve, IReadOnlyList<ScoredPair> Scores);
