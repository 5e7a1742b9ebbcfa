#!/usr/bin/env dotnet
#:project ../../src/Lookalike.Core/Lookalike.Core.csproj
// Regenerates a model's measured references (docs/accuracy.md "Two numbers"; LOOKALIKE_DATA or shared/data beside the
// repository; a few minutes on 2 cores):
//   `dotnet run docs/measure/stock-reference.cs > src/Lookalike.Core/StockReference.cs`
//   `dotnet run docs/measure/stock-reference.cs stock+dlib StockDlibReference > src/Lookalike.Core/StockDlibReference.cs`
using Lookalike;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Models;
using Lookalike.Search;
using System.Numerics.Tensors;
using System.Globalization;
using System.Text;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var refSets = new[] { "celebs-24", "lfw-gray", "south-asian-celebs", "deepface-pairs", "jp-sample", "jp-politicians" };
var data = SharedData.Find() ?? throw new DirectoryNotFoundException("shared/data not found: set LOOKALIKE_DATA");
var modelName = args.Length > 0 ? args[0] : ModelSpec.Stock;
var className = args.Length > 1 ? args[1] : "StockReference";
var store = new ModelStore();
using var pipeline = new FacePipeline(store, new PipelineOptions { Embedder = EmbedderChoice.Resolve(store, modelName) });
var d = refSets.ToDictionary(s => s, s =>
{
    var images = PersonFolders.Read(Path.Combine(data, s, "images"));
    var e = ImageEmbeddings.Compute(pipeline, images.Select(i => i.Path), cache: EmbeddingCache.For(pipeline));
    return images.Select(i => new Img(i.Path, i.Identity, e[i.Path])).ToList();
});
var all = new List<float>();
var counts = new List<string>();
foreach (var s in refSets) { var c = Data.DifferentPairs(d[s]); all.AddRange(c); counts.Add($"{s} {c.Count:N0}"); }
Console.Error.WriteLine(string.Join(", ", counts));
var population = "pairs of photos of two different people within 6 shared/data sets, mostly Western (" + string.Join(", ", refSets) + ")";
var table = LikenessTable.FromCosines(all, population);
Console.Error.WriteLine(table);
// open set: celebs-24 gallery split, leave-one-out members + lfw-gray strangers (identities not in celebs-24)
var split = File.ReadLines(Path.Combine(data, "celebs-24", "split.csv")).Skip(1).Select(l => l.Split(','))
    .ToDictionary(p => Path.GetFullPath(Path.Combine(data, "celebs-24", p[0])), p => p[2]);
var gal = d["celebs-24"].Where(i => split[i.Path] == "gallery" && i.E is not null).ToList();
var ids = gal.Select(g => g.Identity).ToHashSet();
var queries = new List<IReadOnlyList<(float, bool)>>();
foreach (var g in gal)
{
    var ix = Data.Index(gal.Where(x => x != g));
    queries.Add([.. ix.Search(g.E!, ix.IdentityCount).Select(m => (m.Similarity, m.Identity == g.Identity))]);
}
var full = Data.Index(gal);
foreach (var s in d["lfw-gray"].Where(i => i.E is not null && !ids.Contains(i.Identity)))
    queries.Add([.. full.Search(s.E!, full.IdentityCount).Select(m => (m.Similarity, false))]);
var model = OpenSetModel.Fit(queries, $"shared/data celebs-24 gallery split ({gal.Count} photos, {ids.Count} identities; each photo left out in turn as a member query) + lfw-gray photos of people not in it ({queries.Count - gal.Count} stranger queries)");
Console.Error.WriteLine(model);
string F(double v) => v.ToString("R", CultureInfo.InvariantCulture);
var sb = new StringBuilder();
sb.AppendLine("namespace Lookalike;");
sb.AppendLine();
sb.AppendLine("/// <summary>");
sb.AppendLine($"/// The {modelName} model's measured references, generated from the shared photos by docs/measure/stock-reference.cs");
sb.AppendLine("/// (docs/accuracy.md \"Two numbers\"): the different-person cosine distribution behind likeness, and the");
sb.AppendLine($"/// open-set likelihood ratio behind match probabilities. Regenerate both when the model or its pipeline changes.");
sb.AppendLine("/// </summary>");
sb.AppendLine($"internal static class {className}");
sb.AppendLine("{");
sb.AppendLine("    // Declared before Likeness: static fields initialise in order.");
sb.AppendLine("    private static readonly float[] Cosines =");
sb.AppendLine("    [");
foreach (var chunk in table.Cosines.Chunk(12)) sb.AppendLine("        " + string.Join(", ", chunk.Select(c => c.ToString("0.0000", CultureInfo.InvariantCulture) + "f")) + ",");
sb.AppendLine("    ];");
sb.AppendLine();
sb.AppendLine($"    public static LikenessTable Likeness {{ get; }} = new(LikenessTable.DefaultLevels, Cosines,");
sb.AppendLine($"        \"{population}\", {table.Pairs});");
sb.AppendLine();
sb.AppendLine($"    public static OpenSetModel OpenSet {{ get; }} = new({F(Math.Round(model.Slope, 6))}, {F(Math.Round(model.Intercept, 6))}, false,");
sb.AppendLine($"        \"{model.FittedOn}\");");
sb.AppendLine("}");
Console.Write(sb.ToString());

public record Img(string Path, string Identity, float[]? E);

public static class Data
{
    public static float Cos(float[] a, float[] b) => TensorPrimitives.Dot(a, b);

    public static List<float> DifferentPairs(List<Img> imgs)
    {
        var ok = imgs.Where(i => i.E is not null).ToList();
        var r = new List<float>();
        for (var i = 0; i < ok.Count; i++) for (var j = i + 1; j < ok.Count; j++)
            if (ok[i].Identity != ok[j].Identity) r.Add(Cos(ok[i].E!, ok[j].E!));
        return r;
    }
    public static List<float> SamePairs(List<Img> imgs)
    {
        var ok = imgs.Where(i => i.E is not null).ToList();
        var r = new List<float>();
        for (var i = 0; i < ok.Count; i++) for (var j = i + 1; j < ok.Count; j++)
            if (ok[i].Identity == ok[j].Identity) r.Add(Cos(ok[i].E!, ok[j].E!));
        return r;
    }

    public static FaceIndex Index(IEnumerable<Img> g)
    {
        var faces = new List<StoredFace>();
        foreach (var i in g) if (i.E is not null) faces.Add(new StoredFace(faces.Count, i.Identity, i.Path, i.E));
        return new FaceIndex(faces, faces.Count > 0 ? faces[0].Embedding.Length : 512);
    }
}

