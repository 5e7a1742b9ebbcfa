namespace Lookalike.Evaluation;

/// <summary>A two-sided confidence interval.</summary>
public readonly record struct Interval(double Low, double High)
{
    public bool Contains(double value) => value >= Low - 1e-12 && value <= High + 1e-12;
}
