namespace Lookalike.Evaluation;

/// <summary>
/// Percentile bootstrap over pairs: resample the pair list with replacement and take the 2.5th and 97.5th
/// percentiles of the metric. Seeded, so the same pairs always give the same interval. Pairs are resampled as units
/// (not images or identities), which understates the spread when one image appears in many pairs; it says how much
/// the number would move with another draw of pairs like these, not of people.
/// </summary>
public static class Bootstrap
{
    public const int DefaultResamples = 1000;
    public const int DefaultSeed = 12345;

    public static Interval Interval(IReadOnlyList<ScoredPair> pairs, Func<IReadOnlyList<ScoredPair>, double> metric,
        int resamples = DefaultResamples, int seed = DefaultSeed, double level = 0.95)
    {
        if (pairs.Count == 0) return new Interval(double.NaN, double.NaN);
        var random = new Random(seed);
        var sample = new ScoredPair[pairs.Count];
        var values = new List<double>(resamples);
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < sample.Length; i++) sample[i] = pairs[random.Next(pairs.Count)];
            var v = metric(sample);
            if (!double.IsNaN(v)) values.Add(v); // a resample without both classes has no AUC
        }
        if (values.Count == 0) return new Interval(double.NaN, double.NaN);
        values.Sort();
        var tail = (1 - level) / 2;
        return new Interval(Percentile(values, tail), Percentile(values, 1 - tail));
    }

    private static double Percentile(List<double> sorted, double q)
    {
        var x = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(x);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]);
    }
}
