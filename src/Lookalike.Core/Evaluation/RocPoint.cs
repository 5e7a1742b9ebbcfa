namespace Lookalike.Evaluation;

/// <summary>One point of a ROC curve: at <see cref="Threshold"/> (score ≥ threshold means same), the false and true accept rates.</summary>
public readonly record struct RocPoint(float Threshold, double Far, double Tar);
