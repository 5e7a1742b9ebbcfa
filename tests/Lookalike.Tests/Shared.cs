using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Models;

namespace Lookalike.Tests;

/// <summary>Paths of the shared real photos (../shared/data beside the repository) and the real models.</summary>
public static class Shared
{
    public static string Data { get; } = SharedData.Find()
        ?? throw new DirectoryNotFoundException("shared/data not found beside the repository; set LOOKALIKE_DATA");

    public static string Set(string name) => Path.Combine(Data, name);

    /// <summary>The default model's calibration (its verdict cosine is <see cref="Calibration.Threshold"/>), as the CLI and the web app use it.</summary>
    public static Calibration DefaultCalibration => EmbedderChoice.Resolve(new ModelStore(), ModelSpec.Default).Calibration;

    /// <summary>
    /// The celebs-24 split as folders per person under <paramref name="tmp"/>: gallery/ and query/ (links to the shared
    /// photos, as split.csv assigns them).
    /// </summary>
    public static void LinkCelebs24Split(TempDir tmp)
    {
        var set = Set("celebs-24");
        foreach (var row in File.ReadLines(Path.Combine(set, "split.csv")).Skip(1).Select(l => l.Split(',')))
        {
            var link = tmp[Path.Combine(row[2], row[1], Path.GetFileName(row[0]))];
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, Path.Combine(set, row[0]));
        }
    }
}

/// <summary>
/// The real models for all tests (fetched into the cache if missing): the stock pipeline, whose own figures (verdict
/// cosine 0.43, norm check, one embedder run per face) most library tests pin, and the default one (stock+dlib), which
/// the CLI and the web app run.
/// </summary>
public sealed class PipelineFixture : IDisposable
{
    private readonly Lazy<FacePipeline> _default;

    public PipelineFixture()
    {
        Store = new ModelStore();
        Store.Ensure(ModelStore.Faceplugin);
        Pipeline = new FacePipeline(Store, new PipelineOptions { Embedder = EmbedderChoice.Resolve(Store, ModelSpec.Stock) });
        _default = new(() => new FacePipeline(Store));
    }

    public ModelStore Store { get; }

    /// <summary>The stock pipeline (a 512-d embedder).</summary>
    public FacePipeline Pipeline { get; }

    /// <summary>The default pipeline (<see cref="ModelSpec.DefaultName"/>), made on first use.</summary>
    public FacePipeline Default => _default.Value;

    public void Dispose()
    {
        Pipeline.Dispose();
        if (_default.IsValueCreated) _default.Value.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
