using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Models;
using Lookalike.Training.Onnx;

namespace Lookalike.Training.Tests;

/// <summary>Paths of the shared real photos (shared/data beside the repository, or $LOOKALIKE_DATA).</summary>
public static class Shared
{
    public static string Data { get; } = SharedData.Find()
        ?? throw new DirectoryNotFoundException("shared/data not found beside the repository; set LOOKALIKE_DATA");

    public static string Set(string name) => Path.Combine(Data, name);
}

/// <summary>The real models, the stock pipeline, and aligned crops of real photos, made once for all tests.</summary>
public sealed class TrainingFixture : IDisposable
{
    public TrainingFixture()
    {
        TorchSetup.Init(2);
        Store = new ModelStore();
        Store.Ensure(ModelStore.Faceplugin);
        Pipeline = new FacePipeline(Store);
        StockOnnx = Store.PathOf(ModelStore.Faceplugin.Files.First(f => f.Name == "fr_feature.onnx"));
        Graph = OnnxFile.Load(StockOnnx);
        // jp-sample: 3 identities x 10 photos (full photos, so the crops come from detection and alignment).
        JpSample = FaceData.Align(Pipeline, PersonFolders.Read(Path.Combine(Shared.Set("jp-sample"), "images"))).Faces;
        // A mixed handful: 2 identities each of celebs-24 (aligned crops) and south-asian-celebs (small tight crops).
        var mixed = new List<LabelledImage>();
        foreach (var set in new[] { "celebs-24", "south-asian-celebs" })
            mixed.AddRange(PersonFolders.Read(Path.Combine(Shared.Set(set), "images")).GroupBy(i => i.Identity).Take(2).SelectMany(g => g.Take(3)));
        Mixed = FaceData.Align(Pipeline, mixed).Faces;
        // The hardest set: 4 identities x 8 small tight crops of south-asian-celebs.
        var hard = PersonFolders.Read(Path.Combine(Shared.Set("south-asian-celebs"), "images")).GroupBy(i => i.Identity).Take(4).SelectMany(g => g.Take(8)).ToList();
        SouthAsian = FaceData.Align(Pipeline, hard).Faces;
    }

    public ModelStore Store { get; }
    public FacePipeline Pipeline { get; }
    public string StockOnnx { get; }
    public OnnxFile Graph { get; }
    public List<AlignedFace> JpSample { get; }
    public List<AlignedFace> Mixed { get; }
    public List<AlignedFace> SouthAsian { get; }

    public void Dispose() => Pipeline.Dispose();
}

[CollectionDefinition(Name)]
public sealed class TrainingCollection : ICollectionFixture<TrainingFixture>
{
    public const string Name = "training";
}

/// <summary>A temporary folder removed at the end of the test.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "lookalike-train-test-" + Guid.NewGuid().ToString("N")));
    public string Path { get; }
    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}
