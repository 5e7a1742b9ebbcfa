namespace Lookalike.Evaluation;

/// <summary>A verification threshold (score ≥ threshold means same) and the accuracy it gives.</summary>
public readonly record struct ThresholdAccuracy(float Threshold, double Accuracy);
