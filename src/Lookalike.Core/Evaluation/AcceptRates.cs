namespace Lookalike.Evaluation;

/// <summary>False accept rate (different pairs called same) and true accept rate at one threshold.</summary>
public readonly record struct AcceptRates(double Far, double Tar);
