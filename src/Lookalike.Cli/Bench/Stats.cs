namespace Lookalike.Cli.Bench;

/// <summary>Milliseconds of one stage: median and 90th percentile, printed as "median ms (p90)".</summary>
internal readonly record struct Stats(double Median, double P90)
{
    public override string ToString() => $"{Median,7:F2} ms ({P90:F2})";
}
