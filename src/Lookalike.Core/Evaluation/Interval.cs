namespace Lookalike.Evaluation;

/// <summary>A two-sided confidence interval.</summary>
public readonly record struct Interval(double Low, double High)
{
    /// <summary>Whether <paramref name="value"/> lies within [Low, High], allowing 1e-12 for rounding; false when the bounds are NaN.</summary>
    public bool Contains(double value) => value >= Low - 1e-12 && value <= High + 1e-12;
}
