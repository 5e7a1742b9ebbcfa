namespace Lookalike;

/// <param name="Likeness">Share of reference different-person pairs less similar than this pair; null when the model has no reference.</param>
/// <param name="Prior">The prior of "same" given with --prior; null: the calibration's own (its fitting pairs' share).</param>
public sealed record CompareResultJson(double Similarity, double Probability, bool Same, double Threshold, CompareSideJson A, CompareSideJson B,
    double? Likeness = null, double? Prior = null);
