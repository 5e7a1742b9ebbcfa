namespace Lookalike.Evaluation;

/// <summary>A labelled verification score: similarity and whether the two images show the same person.</summary>
public readonly record struct ScoredPair(float Score, bool Same);

/// <summary>ROC statistics of verification scores.</summary>
public static class Roc
{
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
    public static (float Threshold, double Accuracy) BestAccuracy(IReadOnlyList<ScoredPair> pairs)
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
        return (best.Threshold, n == 0 ? double.NaN : (double)best.Correct / n);
    }

    /// <summary>Accuracy when score ≥ <paramref name="threshold"/> is called same.</summary>
    public static double Accuracy(IReadOnlyList<ScoredPair> pairs, float threshold) =>
        pairs.Count == 0 ? double.NaN : pairs.Count(p => (p.Score >= threshold) == p.Same) / (double)pairs.Count;

    /// <summary>False accept rate (different pairs called same) and true accept rate at a threshold.</summary>
    public static (double Far, double Tar) RatesAt(IReadOnlyList<ScoredPair> pairs, float threshold)
    {
        var neg = pairs.Where(p => !p.Same).ToList();
        var pos = pairs.Where(p => p.Same).ToList();
        return (neg.Count == 0 ? double.NaN : neg.Count(p => p.Score >= threshold) / (double)neg.Count,
                pos.Count == 0 ? double.NaN : pos.Count(p => p.Score >= threshold) / (double)pos.Count);
    }
}
