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
