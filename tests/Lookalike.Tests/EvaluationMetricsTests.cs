using Lookalike.Evaluation;

namespace Lookalike.Tests;

/// <summary>Metrics on hand-computable score lists (no models needed).</summary>
public class EvaluationMetricsTests
{
    private static List<ScoredPair> P(float[] same, float[] different) =>
        [.. same.Select(s => new ScoredPair(s, true)), .. different.Select(s => new ScoredPair(s, false))];

    // same 0.9 0.8 0.3, different 0.7 0.2 0.1: 8 of 9 same/different orderings right; FAR = FRR = 1/3 at 0.7.
    private static readonly List<ScoredPair> Known = P([0.9f, 0.8f, 0.3f], [0.7f, 0.2f, 0.1f]);

    [Fact]
    public void PerfectlySeparatedScoresHaveAucOneAndEerZero()
    {
        var pairs = P([0.9f, 0.8f, 0.7f], [0.3f, 0.2f, -1f]);
        Assert.Equal(1.0, Roc.Auc(pairs));
        Assert.Equal(0.0, Roc.Eer(pairs));
        Assert.Equal(1.0, Roc.BestAccuracy(pairs).Accuracy);
    }

    [Fact]
    public void AllTiedScoresHaveAucAndEerOneHalf()
    {
        var pairs = P([0.5f, 0.5f], [0.5f, 0.5f, 0.5f]);
        Assert.Equal(0.5, Roc.Auc(pairs));
        Assert.Equal(0.5, Roc.Eer(pairs), 12);
    }

    [Fact]
    public void KnownListGivesHandComputedAucEerAndCurve()
    {
        Assert.Equal(8 / 9.0, Roc.Auc(Known), 12);
        Assert.Equal(1 / 3.0, Roc.Eer(Known), 12);
        var curve = Roc.Curve(Known);
        Assert.Equal(7, curve.Count); // (0,0) + one point per distinct score
        Assert.Equal((0.0, 0.0), (curve[0].Far, curve[0].Tar));
        Assert.Equal((1.0, 1.0), (curve[^1].Far, curve[^1].Tar));
        Assert.Equal(2 / 3.0, curve[3].Tar, 12); // at 0.7: 2 of 3 same accepted, 1 of 3 different
        Assert.Equal(1 / 3.0, curve[3].Far, 12);
    }

    [Fact]
    public void EerInterpolatesBetweenCurvePoints()
    {
        // same 0.6, different 0.6 and 0.1: curve (0,0) → (0.5,1) → (1,1); FAR = FRR where 0.5t = 1 - t → 1/3.
        var pairs = P([0.6f], [0.6f, 0.1f]);
        Assert.Equal(1 / 3.0, Roc.Eer(pairs), 12);
    }

    [Fact]
    public void TarAtFarIsNullWithoutEnoughNegatives()
    {
        Assert.Null(Roc.TarAtFar(Known, 0.1)); // 3 different pairs < 10
        var many = P([0.9f, 0.5f], [.. Enumerable.Range(0, 10).Select(i => i / 10f)]);
        Assert.Equal(0.5, Roc.TarAtFar(many, 0.1)); // the 0.9 different pair ties the 0.9 same pair: at FAR 0.1 half the same pairs pass
    }

    [Fact]
    public void BootstrapIntervalContainsThePointEstimateAndIsReproducible()
    {
        var random = new Random(7);
        var pairs = Enumerable.Range(0, 400).Select(i => new ScoredPair((float)(random.NextDouble() + (i % 2 == 0 ? 0.4 : 0)), i % 2 == 0)).ToList();
        var auc = Roc.Auc(pairs);
        var ci = Bootstrap.Interval(pairs, Roc.Auc);
        Assert.True(ci.Contains(auc), $"{auc} not in [{ci.Low}, {ci.High}]");
        Assert.True(ci.High - ci.Low is > 0.01 and < 0.2);
        Assert.Equal(ci, Bootstrap.Interval(pairs, Roc.Auc));
        var v = VerificationEval.Evaluate(pairs);
        Assert.True(v.AccuracyCi.Contains(v.Accuracy));
    }

    [Fact]
    public void CalibrationFitRecoversAKnownLogisticCurve()
    {
        // Labels drawn from P(same | s) = sigmoid(12 s - 4): the fit should find about that slope and intercept.
        var random = new Random(3);
        var pairs = Enumerable.Range(0, 20000).Select(_ =>
        {
            var s = (float)(random.NextDouble() * 1.2 - 0.3);
            return new ScoredPair(s, random.NextDouble() < 1 / (1 + Math.Exp(-(12 * s - 4))));
        }).ToList();
        var cal = Calibration.Fit(pairs, "test", "synthetic");
        Assert.InRange(cal.Slope, 11, 13);
        Assert.InRange(cal.Intercept, -4.4, -3.6);
        Assert.True(cal.Ece(pairs) < 0.02);
        var file = Path.GetTempFileName();
        cal.Save(file);
        Assert.Equal(cal, Calibration.Load(file));
        File.Delete(file);
    }

    [Fact]
    public void CalibrationOfPerfectlySeparatedPairsStaysFinite()
    {
        var cal = Calibration.Fit(P([0.8f, 0.7f, 0.9f], [0.1f, 0.0f, 0.2f]), "test", "tiny");
        Assert.True(double.IsFinite(cal.Slope) && cal.Slope > 0);
        Assert.True(cal.Probability(0.8f) > 0.5 && cal.Probability(0.1f) < 0.5);
    }

    [Fact]
    public void IdentityPairsAreBalancedAndSeeded()
    {
        var images = new List<LabelledImage>();
        foreach (var (who, n) in new[] { ("a", 4), ("b", 3), ("c", 5) })
            for (var i = 0; i < n; i++) images.Add(new LabelledImage($"/x/{who}/{i}.jpg", who));
        var pairs = PersonFolders.Pairs(images, 1);
        Assert.Equal(6 + 3 + 10, pairs.Count(p => p.Same));
        Assert.Equal(19, pairs.Count(p => !p.Same));
        Assert.All(pairs.Where(p => !p.Same), p => Assert.NotEqual(Groups.IdentityOf(p.A), Groups.IdentityOf(p.B)));
        Assert.Equal(19, pairs.Where(p => !p.Same).Distinct().Count());
        Assert.Equal(pairs, PersonFolders.Pairs(images, 1));
    }

    [Fact]
    public void GroupsSplitPairsByBothIdentities()
    {
        var pairs = new List<ImagePair> { new("/x/a/1.jpg", "/x/a/2.jpg", true), new("/x/a/1.jpg", "/x/b/1.jpg", false), new("/x/a/1.jpg", "/x/c/1.jpg", false) };
        var scores = new List<ScoredPair> { new(0.8f, true), new(0.1f, false), new(0.2f, false) };
        var split = Groups.Split(pairs, scores, new Dictionary<string, string> { ["a"] = "g1", ["b"] = "g1", ["c"] = "g2" });
        Assert.Equal(2, split["g1"].Count);
        Assert.Single(split[Groups.Cross]);
    }
}
