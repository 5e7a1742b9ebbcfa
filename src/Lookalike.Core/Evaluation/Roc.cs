namespace Lookalike.Evaluation;

/// <summary>ROC statistics of verification scores.</summary>
public static class Roc
{
    /// <summary>
    /// The ROC curve: one point per distinct score (highest first), starting at (0,0) with an infinite threshold and
    /// ending at (1,1). Ties form one step, so tied scores give a diagonal segment, as in <see cref="Auc"/>.
    /// </summary>
    public static List<RocPoint> Curve(IReadOnlyList<ScoredPair> pairs)
    {
        var sorted = pairs.OrderByDescending(p => p.Score).ToArray();
        long pos = sorted.Count(p => p.Same), neg = sorted.Length - pos;
        var curve = new List<RocPoint> { new(float.PositiveInfinity, 0, 0) };
        if (pos == 0 || neg == 0) return curve;
        long tp = 0, fp = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j < sorted.Length && sorted[j].Score == sorted[i].Score) { if (sorted[j].Same) tp++; else fp++; j++; }
            curve.Add(new RocPoint(sorted[i].Score, fp / (double)neg, tp / (double)pos));
            i = j;
        }
        return curve;
    }

    /// <summary>
    /// Equal error rate: where the false accept rate equals the false reject rate, interpolated linearly along the
    /// ROC curve (so a tie between a same and a different pair counts half, as in the AUC).
    /// </summary>
    public static double Eer(IReadOnlyList<ScoredPair> pairs)
    {
        var curve = Curve(pairs);
        if (curve.Count < 2) return double.NaN;
        for (var i = 1; i < curve.Count; i++)
        {
            // f = FAR - FRR = FAR + TAR - 1 rises from -1 at (0,0) to +1 at (1,1).
            double f0 = curve[i - 1].Far + curve[i - 1].Tar - 1, f1 = curve[i].Far + curve[i].Tar - 1;
            if (f1 < 0) continue;
            var t = f1 == f0 ? 0 : -f0 / (f1 - f0);
            return curve[i - 1].Far + t * (curve[i].Far - curve[i - 1].Far);
        }
        return double.NaN;
    }

    /// <summary>
    /// True accept rate at the lowest threshold whose false accept rate is at most <paramref name="far"/>; null when
    /// there are fewer than 1/far different pairs, because then the rate cannot be measured at that level.
    /// </summary>
    public static double? TarAtFar(IReadOnlyList<ScoredPair> pairs, double far)
    {
        var neg = pairs.Count(p => !p.Same);
        if (neg == 0 || neg < Math.Round(1 / far) || neg == pairs.Count) return null;
        return Curve(pairs).Where(p => p.Far <= far + 1e-12).Max(p => p.Tar);
    }

    /// <summary>Area under the ROC curve (probability a same pair outscores a different pair; ties count half).</summary>
    public static double Auc(IReadOnlyList<ScoredPair> pairs)
    {
        var sorted = pairs.OrderBy(p => p.Score).ToArray();
        long pos = sorted.Count(p => p.Same), neg = sorted.Length - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        double rankSum = 0;
        for (var i = 0; i < sorted.Length;)
        {
            var j = i;
            while (j < sorted.Length && sorted[j].Score == sorted[i].Score) j++;
            var avgRank = (i + 1 + j) / 2.0; // ranks i+1..j
            for (var k = i; k < j; k++) if (sorted[k].Same) rankSum += avgRank;
            i = j;
        }
        return (rankSum - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }

    /// <summary>The threshold (score ≥ t means same) with the best accuracy, and that accuracy.</summary>
    public static ThresholdAccuracy BestAccuracy(IReadOnlyList<ScoredPair> pairs)
    {
        var sorted = pairs.OrderBy(p => p.Score).ToArray();
        var n = sorted.Length;
        var pos = sorted.Count(p => p.Same);
        // Threshold below everything: all called same → correct = pos.
        var correct = pos;
        var best = (Threshold: sorted.Length > 0 ? sorted[0].Score - 1e-6f : 0f, Correct: correct);
        for (var i = 0; i < n;)
        {
            var j = i;
            while (j < n && sorted[j].Score == sorted[i].Score) { correct += sorted[j].Same ? -1 : 1; j++; }
            if (correct > best.Correct)
                best = (j < n ? (sorted[j - 1].Score + sorted[j].Score) / 2 : sorted[j - 1].Score + 1e-6f, correct);
            i = j;
        }
        return new ThresholdAccuracy(best.Threshold, n == 0 ? double.NaN : (double)best.Correct / n);
    }

    /// <summary>Accuracy when score ≥ <paramref name="threshold"/> is called same.</summary>
    public static double Accuracy(IReadOnlyList<ScoredPair> pairs, float threshold) =>
        pairs.Count == 0 ? double.NaN : pairs.Count(p => (p.Score >= threshold) == p.Same) / (double)pairs.Count;

    /// <summary>False accept rate (different pairs called same) and true accept rate at a threshold.</summary>
    public static AcceptRates RatesAt(IReadOnlyList<ScoredPair> pairs, float threshold)
    {
        var neg = pairs.Where(p => !p.Same).ToList();
        var pos = pairs.Where(p => p.Same).ToList();
        return new AcceptRates(neg.Count == 0 ? double.NaN : neg.Count(p => p.Score >= threshold) / (double)neg.Count,
                pos.Count == 0 ? double.NaN : pos.Count(p => p.Score >= threshold) / (double)pos.Count);
    }
}
