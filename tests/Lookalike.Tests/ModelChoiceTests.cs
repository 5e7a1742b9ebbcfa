using Lookalike.Faces;
using Lookalike.Models;

namespace Lookalike.Tests;

/// <summary>--model: the stock embedder, flip-TTA, and a fine-tuned model's folder; galleries never mix models.</summary>
[Collection(PipelineCollection.Name)]
public class ModelChoiceTests(PipelineFixture fx)
{
    private static string Photo(string person) =>
        Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images", person)).Order(StringComparer.Ordinal).First();

    [Fact]
    public void A_model_folder_runs_its_onnx_file_under_its_own_id_and_flip_tta_changes_the_embedding()
    {
        using var tmp = new TempDir();
        // A "fine-tuned" model folder as lookalike train writes it, holding the stock weights: same numbers, other id.
        Directory.CreateDirectory(tmp["mine"]);
        File.CreateSymbolicLink(tmp["mine/embedder.onnx"], fx.Store.PathOf(ModelStore.Faceplugin.Files[2]));
        File.WriteAllText(tmp["mine/model.json"], """{"id": "mine-0123abcd", "base": "faceplugin-fr_feature-0.0.1", "embedder": "embedder.onnx"}""");
        using var mine = new FacePipeline(fx.Store, new PipelineOptions { Embedder = EmbedderChoice.Resolve(fx.Store, tmp["mine"]) });
        using var flip = new FacePipeline(fx.Store, new PipelineOptions { Embedder = EmbedderChoice.Resolve(fx.Store, "stock+flip") });
        Assert.Equal("mine-0123abcd", mine.ModelId);
        Assert.Equal(FaceEmbedder.Id + "+flip", flip.ModelId);

        var photo = Photo("岸田文雄");
        var stock = fx.Pipeline.Analyze(photo).Largest!;
        Assert.Equal(1.0, Verification.Similarity(stock, mine.Analyze(photo).Largest!), 5);
        var flipped = flip.Analyze(photo).Largest!;
        var flipCos = Verification.Similarity(stock, flipped);
        Assert.InRange(flipCos, 0.9, 0.9999);   // the mirror image's embedding is close to, not equal to, the original's
        Assert.Equal(1.0, Math.Sqrt(flipped.Embedding.Sum(v => (double)v * v)), 4);

        // Its percentage uses its own calibration once it has one (lookalike calibrate --model ... --out FOLDER/calibration.json).
        Assert.Same(Calibration.Default, mine.Calibration);
        new Calibration("mine-0123abcd", 10, -3, "test").Save(tmp["mine/calibration.json"]);
        var other = Directory.EnumerateFiles(Path.GetDirectoryName(photo)!).Order(StringComparer.Ordinal).Last();
        var compare = Cli.Json("compare", photo, other, "--model", tmp["mine"]);
        var cos = compare.GetProperty("similarity").GetDouble();
        Assert.Equal(1 / (1 + Math.Exp(-(10 * cos - 3))), compare.GetProperty("probability").GetDouble(), 3);

        var e = Assert.Throws<ModelFetchException>(() => EmbedderChoice.Resolve(fx.Store, tmp["nothing-here"]));
        Assert.Contains("installed: stock", e.Message);
    }

    [Fact]
    public void Matching_with_another_model_than_the_gallery_was_built_with_is_refused_with_the_reason()
    {
        using var tmp = new TempDir();
        var images = Path.Combine(Shared.Set("jp-politicians"), "images");
        Cli.Json("gallery", "add", images, "--store", tmp["g.db"], "--model", "stock");
        var (code, _, stderr) = Cli.Run("match", Photo("小泉進次郎"), "--store", tmp["g.db"], "--model", "stock+flip");
        Assert.Equal(1, code);
        Assert.Contains($"was built with {FaceEmbedder.Id}, not {FaceEmbedder.Id}+flip", stderr);

        // Re-indexing with the other model re-embeds every file; then it matches.
        Assert.Equal(18, Cli.Json("gallery", "add", images, "--store", tmp["g.db"], "--model", "stock+flip").GetProperty("embedded").GetInt32());
        var match = Cli.Json("match", Photo("小泉進次郎"), "--store", tmp["g.db"], "--model", "stock+flip");
        Assert.Equal("小泉進次郎", match.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("identity").GetString());
    }

    [Fact]
    public void A_server_on_a_gallery_of_another_model_knows_which_model_its_faces_are()
    {
        // A gallery indexed with stock (as every gallery was before stock+dlib became the default), served with the default.
        using var tmp = new TempDir();
        using (var store = new Gallery.SqliteGalleryStore(tmp["g.db"]))
            new Gallery.GalleryIndexer(fx.Pipeline, store).Index(Path.Combine(Shared.Set("jp-politicians"), "images"));
        using (var served = new Web.GalleryService(new Web.WebOptions { Db = tmp["g.db"] }))
        {
            Assert.Equal(0, served.Index.Count);
            Assert.Equal([FaceEmbedder.Id], served.OtherModelsWhenEmpty());
        }
        using (var stock = new Web.GalleryService(new Web.WebOptions { Db = tmp["g.db"], Model = "stock" }))
        {
            Assert.Equal(18, stock.Index.Count);
            Assert.Empty(stock.OtherModelsWhenEmpty());
        }
    }
}
