#!/usr/bin/env dotnet
#:project ../../src/Lookalike.Core/Lookalike.Core.csproj
// Does a gallery face's quality help rank identities? (issue #18 lever 5): `dotnet run docs/measure/quality-weighting.cs [shared/data]`.
// Leave-one-out identification on every folder-per-person set of shared/data: each image with a face whose person has
// another image is a query against all the set's other images as the gallery; rank-1 under the identity score `match`
// uses (the mean of an identity's 3 best cosines) and under quality-aware variants of it. Faces come from the
// evaluation cache (~/.cache/lookalike/eval), so a second run costs seconds.
using System.Globalization;
using System.Numerics.Tensors;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Models;

var data = args.Length > 0 ? args[0] : SharedData.Find("") ?? throw new InvalidOperationException("shared/data not found");
var store = new ModelStore();
store.Ensure(ModelStore.Faceplugin);
using var pipeline = new FacePipeline(store);
var cache = EmbeddingCache.For(pipeline);
string[] sets = ["celebs-24", "south-asian-celebs", "lfw-gray", "jp-sample", "jp-politicians", "tight-crops", "deepface-pairs"];

// Each variant turns one identity's gallery faces (cosine to the query, quality) into its score.
var variants = new (string Name, Func<List<(float Cos, float Q)>, double> Score)[]
{
    ("mean of 3 best (match today)", f => f.Select(x => (double)x.Cos).OrderDescending().Take(3).Average()),
    ("best face only", f => f.Max(x => (double)x.Cos)),
    ("mean of 3 best, faces below 0.1 dropped when others exist", f =>
    {
        var good = f.Where(x => x.Q >= FaceQuality.PoorBelow).ToList();
        return (good.Count > 0 ? good : f).Select(x => (double)x.Cos).OrderDescending().Take(3).Average();
    }),
    ("3 best, quality-weighted mean", f =>
    {
        var top = f.OrderByDescending(x => x.Cos).Take(3).ToList();
        var w = top.Select(x => 0.05 + x.Q).ToList();
        return top.Zip(w, (x, wi) => x.Cos * wi).Sum() / w.Sum();
    }),
    ("mean of 3 best of cos·(0.8+0.2q)", f => f.Select(x => x.Cos * (0.8 + 0.2 * x.Q)).OrderDescending().Take(3).Average()),
    ("mean of 2 best", f => f.Select(x => (double)x.Cos).OrderDescending().Take(2).Average()),
    ("mean of 5 best", f => f.Select(x => (double)x.Cos).OrderDescending().Take(5).Average()),
};

Console.WriteLine($"| set | queries | faces below {FaceQuality.PoorBelow} | " + string.Join(" | ", variants.Select(v => v.Name)) + " |");
Console.WriteLine("|---|---|---|" + string.Concat(variants.Select(_ => "---|")));
var totals = new double[variants.Length];
var totalQueries = 0;
foreach (var set in sets)
{
    var images = PersonFolders.Read(Path.Combine(data, set, "images"));
    var embeddings = ImageEmbeddings.Compute(pipeline, images.Select(i => i.Path), workers: 2, cache: cache);
    var faces = images.Select(i => (i.Identity, Face: embeddings.FaceOf(i.Path)?.Face)).Where(x => x.Face is not null)
        .Select(x => (x.Identity, Embedding: x.Face!.Embedding, Q: float.IsNaN(x.Face.Quality) ? 1f : x.Face.Quality)).ToList();
    var right = new int[variants.Length];
    var queries = 0;
    for (var q = 0; q < faces.Count; q++)
    {
        if (!faces.Where((_, i) => i != q).Any(f => f.Identity == faces[q].Identity)) continue;
        queries++;
        var byIdentity = new Dictionary<string, List<(float Cos, float Q)>>(StringComparer.Ordinal);
        for (var g = 0; g < faces.Count; g++)
        {
            if (g == q) continue;
            var cos = TensorPrimitives.Dot(faces[q].Embedding, faces[g].Embedding);
            if (!byIdentity.TryGetValue(faces[g].Identity, out var list)) byIdentity[faces[g].Identity] = list = [];
            list.Add((cos, faces[g].Q));
        }
        for (var v = 0; v < variants.Length; v++)
        {
            var best = byIdentity.MaxBy(kv => variants[v].Score(kv.Value)).Key;
            if (best == faces[q].Identity) right[v]++;
        }
    }
    var poor = faces.Count(f => f.Q < FaceQuality.PoorBelow);
    Console.WriteLine($"| {set} | {queries} | {poor} of {faces.Count} | " + string.Join(" | ", right.Select(r => ((double)r / queries).ToString("F4", CultureInfo.InvariantCulture))) + " |");
    for (var v = 0; v < variants.Length; v++) totals[v] += right[v];
    totalQueries += queries;
}
Console.WriteLine($"| all | {totalQueries} | | " + string.Join(" | ", totals.Select(r => (r / totalQueries).ToString("F4", CultureInfo.InvariantCulture))) + " |");

