using Lookalike.Evaluation;

namespace Lookalike.Tests;

/// <summary>The evaluation's face cache: a second run reads the stored faces instead of analysing, and a changed file is analysed again.</summary>
[Collection(PipelineCollection.Name)]
public class EmbeddingCacheTests(PipelineFixture fx)
{
    [Fact]
    public void A_second_run_reuses_the_stored_faces_and_a_changed_photo_is_analysed_again()
    {
        using var tmp = new TempDir();
        var source = Path.Combine(Shared.Set("jp-sample"), "images");
        var photos = Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(3)
            .Select((p, i) => tmp.Copy(p, Path.Combine("myset", "images", "person", $"{i}{Path.GetExtension(p)}"))).ToList();
        var cache = EmbeddingCache.For(fx.Pipeline, tmp["cache"]);

        var first = ImageEmbeddings.Compute(fx.Pipeline, photos, cache: cache);
        Assert.True(File.Exists(Path.Combine(cache.Folder, "myset.bin")));
        var runs = fx.Pipeline.ModelRuns;
        var second = ImageEmbeddings.Compute(fx.Pipeline, photos, cache: cache);
        Assert.Equal(runs, fx.Pipeline.ModelRuns); // nothing analysed
        foreach (var p in photos)
        {
            Assert.Equal(first[p], second[p]);
            Assert.Equal(first.FaceOf(p)!.Face.Quality, second.FaceOf(p)!.Face.Quality);
            Assert.Equal(first.FaceOf(p)!.Face.Box, second.FaceOf(p)!.Face.Box);
        }

        // Another photo under the same name: the size/mtime no longer match, so it is analysed, and its face is the new one.
        File.Copy(photos[2], photos[0], overwrite: true);
        File.SetLastWriteTimeUtc(photos[0], DateTime.UtcNow.AddMinutes(1));
        var third = ImageEmbeddings.Compute(fx.Pipeline, photos, cache: cache);
        Assert.True(fx.Pipeline.ModelRuns > runs);
        Assert.Equal(first[photos[2]], third[photos[0]]);
    }

    [Fact]
    public void A_converted_model_fed_another_way_gets_its_own_cache()
    {
        // The same ONNX file with another channel order embeds differently: its faces must not be read from the other's cache.
        using var tmp = new TempDir();
        var dlib = Lookalike.Models.EmbedderChoice.Resolve(fx.Store, "dlib");
        var input = dlib.Input!;
        using var asShipped = new Lookalike.Faces.FacePipeline(fx.Store, new Lookalike.Faces.PipelineOptions { Embedder = dlib });
        using var swapped = new Lookalike.Faces.FacePipeline(fx.Store, new Lookalike.Faces.PipelineOptions { Embedder = dlib with { Input = input with { Bgr = !input.Bgr } } });
        using var again = new Lookalike.Faces.FacePipeline(fx.Store, new Lookalike.Faces.PipelineOptions { Embedder = Lookalike.Models.EmbedderChoice.Resolve(fx.Store, "dlib") });
        Assert.NotEqual(EmbeddingCache.For(asShipped, tmp["c"]).Folder, EmbeddingCache.For(swapped, tmp["c"]).Folder);
        Assert.Equal(EmbeddingCache.For(asShipped, tmp["c"]).Folder, EmbeddingCache.For(again, tmp["c"]).Folder);
    }
}
