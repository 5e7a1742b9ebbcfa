#!/usr/bin/env dotnet
#:project ../../src/Lookalike.Core/Lookalike.Core.csproj
// stock+dlib: weight and verdict together (issue #18): `dotnet run docs/measure/fusion-verdict.cs [shared/data]`.
// The fused model's cached faces (~/.cache/lookalike/eval) are split back into their stock and dlib embeddings and
// re-fused with every logit weight w_L; for each, the P(same) curve is fitted on lfw-gray/pairs.csv +
// deepface-pairs/pairs_extra.csv as the shipped one was, the verdict is where it reaches the stock verdict's P(same),
// and every set's AUC, same-person and different-person pairs right at that verdict, and the celebs-24 split's
// rank-1 are printed.
using System.Globalization;
using Lookalike;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Models;

CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var data = args.Length > 0 ? args[0] : SharedData.Find("") ?? throw new InvalidOperationException("shared/data not found");
var store = new ModelStore();
var fusion = FusedModel.StockDlib;
var choice = EmbedderChoice.Resolve(store, fusion.Name);
using var pipeline = new FacePipeline(store, new PipelineOptions { Embedder = choice });
var cache = EmbeddingCache.For(pipeline);

var pairSets = new List<(string Name, List<ImagePair> Pairs)>();
foreach (var f in new[] { "lfw-gray/pairs.csv", "deepface-pairs/pairs_extra.csv", "deepface-pairs/pairs.csv", "tight-crops/pairs.csv" })
    pairSets.Add((f, PairList.Read(Path.Combine(data, f))));
foreach (var s in new[] { "celebs-24", "jp-sample", "jp-politicians", "south-asian-celebs" })
    pairSets.Add((s, PersonFolders.Pairs(PersonFolders.Read(Path.Combine(data, s, "images")))));
var split = File.ReadLines(Path.Combine(data, "celebs-24/split.csv")).Skip(1).Select(l => l.Split(','))
    .Select(c => (Image: new LabelledImage(Path.GetFullPath(Path.Combine(data, "celebs-24", c[0])), c[1]), Part: c[2])).ToList();
var paths = pairSets.SelectMany(p => p.Pairs).SelectMany(p => new[] { p.A, p.B }).Concat(split.Select(s => s.Image.Path)).Distinct().ToList();
var fused = ImageEmbeddings.Compute(pipeline, paths, workers: 2, cache: cache);
var stockDim = 512;
(float[] A, float[] B)? Split(float[]? v)
{
    if (v is null) return null;
    var a = new float[stockDim]; var b = new float[v.Length - stockDim];
    var sa = (float)Math.Sqrt(fusion.Weight); var sb = (float)Math.Sqrt(1 - fusion.Weight);
    for (var i = 0; i < a.Length; i++) a[i] = v[i] / sa;
    for (var i = 0; i < b.Length; i++) b[i] = v[stockDim + i] / sb;
    return (a, b);
}
var parts = paths.ToDictionary(p => p, p => Split(fused[p]));
ImageEmbeddings Reweighted(double w) => new(parts.ToDictionary(kv => kv.Key, kv => kv.Value is { } ab
    ? ab.A.Select(x => x * (float)Math.Sqrt(w)).Concat(ab.B.Select(x => x * (float)Math.Sqrt(1 - w))).ToArray() : null));

// Each model's calibration slope turns a logit weight into a cosine weight.
double stockSlope = Calibration.Default.Slope, dlibSlope = TfjsEmbedder.Dlib.Platt.Slope;
var names = pairSets.Select(p => p.Name.Replace("/pairs.csv", "").Replace("deepface-pairs/pairs_extra.csv", "extra")).ToList();
Console.WriteLine("| w_L | w | verdict | " + string.Join(" | ", names.Select(n => $"{n} AUC / same / diff right")) + " | split rank-1 |");
Console.WriteLine("|---|---|---|" + string.Concat(names.Select(_ => "---|")) + "---|");
var gallery = split.Where(s => s.Part == "gallery").Select(s => s.Image).ToList();
var queries = split.Where(s => s.Part == "query").Select(s => s.Image).ToList();
var weights = args.Length > 1 ? args[1].Split(',').Select(double.Parse).ToList() : [.. Enumerable.Range(8, 12).Select(i => i * 0.05)];
var accuracy = new Dictionary<double, double[]>(); // per set: pairs right at the verdict
var aucs = new Dictionary<double, double[]>();
foreach (var wl in weights)
{
    var w = wl >= 1 ? 1 : wl * stockSlope / (wl * stockSlope + (1 - wl) * dlibSlope);
    var e = Reweighted(w);
    var scored = pairSets.Select(p => e.Score(p.Pairs)).ToList();
    var calibration = Calibration.Fit([.. scored[0], .. scored[1]], "fused", "lfw-gray + extra");
    var t = calibration.Threshold;
    var cells = scored.Select(s =>
    {
        int same = s.Count(p => p.Same), diff = s.Count - same;
        return $"{Roc.Auc(s):0.0000} / {s.Count(p => p.Same && p.Score >= t)} of {same} / {s.Count(p => !p.Same && p.Score < t)} of {diff}";
    });
    accuracy[wl] = [.. scored.Select(s => s.Count(p => p.Same == p.Score >= t) / (double)s.Count)];
    aucs[wl] = [.. scored.Select(s => Roc.Auc(s))];
    var id = Identification.Evaluate(gallery, queries, e);
    Console.WriteLine($"| {wl:0.00} | {w:0.000} | {t:0.000} | {string.Join(" | ", cells)} | {id.Rank1:0.0000} |");
}

// Leave-one-set-out: the weight with the best mean over the other sets (the two fitting sets excluded from the means).
Console.WriteLine();
Console.WriteLine("| held-out set | w_L by accuracy at the verdict on the others | its accuracy there | w_L by AUC on the others | its AUC |");
Console.WriteLine("|---|---|---|---|---|");
for (var h = 2; h < names.Count; h++)
{
    var others = Enumerable.Range(2, names.Count - 2).Where(i => i != h).ToList();
    var byAcc = weights.MaxBy(w => others.Average(i => accuracy[w][i]));
    var byAuc = weights.MaxBy(w => others.Average(i => aucs[w][i]));
    Console.WriteLine($"| {names[h]} | {byAcc:0.00} | {accuracy[byAcc][h]:0.0000} | {byAuc:0.00} | {aucs[byAuc][h]:0.0000} |");
}
