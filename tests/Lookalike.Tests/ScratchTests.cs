using System.Diagnostics;
using Lookalike.Evaluation;
using Lookalike.Faces;

namespace Lookalike.Tests;

[Collection(PipelineCollection.Name)]
public class ScratchTests(PipelineFixture fx, ITestOutputHelper output)
{
    [Theory]
    [InlineData("deepface-pairs", "pairs.csv")]
    [InlineData("deepface-pairs", "pairs_extra.csv")]
    [InlineData("lfw-gray", "pairs.csv")]
    [InlineData("tight-crops", "pairs.csv")]
    public void Measure(string set, string csv)
    {
        var sw = Stopwatch.StartNew();
        var pairs = PairList.Read(Path.Combine(Shared.Set(set), csv));
        var cache = new Dictionary<string, Face?>();
        Face? Get(string p) { if (!cache.TryGetValue(p, out var f)) cache[p] = f = fx.Pipeline.Analyze(p).Largest; return f; }
        var scored = pairs.Select(p => { var a = Get(p.A); var b = Get(p.B); return new ScoredPair(a is null || b is null ? -1 : Verification.Similarity(a, b), p.Same); }).ToList();
        var (t, acc) = Roc.BestAccuracy(scored);
        output.WriteLine($"{set}/{csv}: n={pairs.Count} noface={cache.Values.Count(v => v is null)}/{cache.Count} auc={Roc.Auc(scored):F4} best thr={t:F3} acc={acc:F4} acc@0.43={Roc.Accuracy(scored, 0.43f):F4} {sw.ElapsedMilliseconds}ms");
        foreach (var s in cache.Values.GroupBy(v => v?.Source)) output.WriteLine($"  {s.Key}: {s.Count()}");
    }
}
