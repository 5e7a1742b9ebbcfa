using Lookalike.Faces;
using Lookalike.Models;

namespace Lookalike.Tests;

/// <summary>Paths of the shared real photos (../shared/data beside the repository) and the real models.</summary>
public static class Shared
{
    public static string Data { get; } = FindData();

    public static string Set(string name) => Path.Combine(Data, name);

    private static string FindData()
    {
        var env = Environment.GetEnvironmentVariable("LOOKALIKE_DATA");
        if (!string.IsNullOrEmpty(env)) return env;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data");
            if (Directory.Exists(candidate)) return candidate;
        }
        throw new DirectoryNotFoundException("shared/data not found beside the repository; set LOOKALIKE_DATA");
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
