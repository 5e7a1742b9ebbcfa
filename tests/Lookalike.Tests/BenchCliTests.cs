using Lookalike.Gallery;

namespace Lookalike.Tests;

/// <summary>`lookalike bench --gallery-faces N`: the product path at scale, run end to end on a small synthetic gallery.</summary>
[Collection(PipelineCollection.Name)]
public class BenchCliTests(PipelineFixture fx)
{
    [Theory]
    [InlineData(null)]    // the default, stock+dlib (640-d)
    [InlineData("stock")] // a gallery and a child `match` of another model
    public void The_scale_bench_builds_and_matches_a_gallery_of_the_model_it_runs(string? model)
    {
        using var tmp = new TempDir();
        string[] args = ["bench", "--gallery-faces", "1500", "--gallery-store", tmp["g.db"]];
        var r = Cli.Json(model is null ? args : [.. args, "--model", model]);
        Assert.Equal(1500, r.GetProperty("gallery_faces").GetInt32());
        foreach (var field in new[] { "open_ms", "match_ms", "search_ms", "add_face_ms", "remove_identity_ms", "rss_mb", "bandwidth_bound_ms" })
            Assert.True(r.GetProperty(field).GetDouble() > 0, field);
        var pipeline = model is null ? fx.Default : fx.Pipeline;
        using var store = new SqliteGalleryStore(tmp["g.db"]);
        var faces = store.Faces(pipeline.ModelId);
        Assert.Equal(1500, faces.Count);
        Assert.All(faces, f => Assert.Equal(pipeline.Dimension, f.Embedding.Length));
    }
}
