namespace Lookalike.Evaluation;

/// <summary>
/// Percentile bootstrap over pairs: resample the pair list with replacement and take the 2.5th and 97.5th
/// percentiles of the metric. Seeded, so the same pairs always give the same interval. Pairs are resampled as units
/// (not images or identities), which understates the spread when one image appears in many pairs; it says how much
/// the number would move with another draw of pairs like these, not of people.
/// </summary>
public static class Bootstrap
{
    /// <summary>Resamples drawn when none are given: enough for stable 2.5th/97.5th percentiles.</summary>
    public const int DefaultResamples = 1000;
    /// <summary>Random seed used when none is given, so reruns give the same interval.</summary>
    public const int DefaultSeed = 12345;

    /// <summary>
    /// The percentile bootstrap interval of <paramref name="metric"/> over <paramref name="pairs"/>. Resamples where the
    /// metric is NaN (e.g. an AUC without both classes) are skipped; the result is (NaN, NaN) when there are no pairs or
    /// no resample gave a number.
    /// </summary>
    /// <param name="pairs">The scored pairs, resampled with replacement as units.</param>
    /// <param name="metric">The statistic computed on each resample (e.g. <see cref="Roc.Auc"/>).</param>
    /// <param name="resamples">Number of resamples.</param>
    /// <param name="seed">Seed of the random generator.</param>
    /// <param name="level">Coverage of the two-sided interval, in (0, 1); 0.95 takes the 2.5th and 97.5th percentiles.</param>
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
