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

/// <summary>One pipeline with the real models for all tests (models fetched into the cache if missing).</summary>
public sealed class PipelineFixture : IDisposable
{
    public PipelineFixture()
    {
        Store = new ModelStore();
        Store.Ensure(ModelStore.Faceplugin);
        Pipeline = new FacePipeline(Store);
    }

    public ModelStore Store { get; }
    public FacePipeline Pipeline { get; }

    public void Dispose() => Pipeline.Dispose();
}

[CollectionDefinition(Name)]
public sealed class PipelineCollection : ICollectionFixture<PipelineFixture>
{
    public const string Name = "pipeline";
}
