using Lookalike.Faces;
using Lookalike.Models;

namespace Lookalike.Tests;

/// <summary>The model-name grammar <c>EMBEDDER[+flip][@DETECTOR][~ALIGNMENT]</c>: parse, validate, print.</summary>
public class ModelSpecTests
{
    [Theory]
    [InlineData(null, "stock+dlib", false, null, null)]
    [InlineData("", "stock+dlib", false, null, null)]
    [InlineData("  ", "stock+dlib", false, null, null)]
    [InlineData("stock", "stock", false, null, null)]
    [InlineData(" stock+flip ", "stock", true, null, null)]
    [InlineData("stock+FLIP", "stock", true, null, null)]
    [InlineData("dlib@blazeface", "dlib", false, DetectorChoice.BlazeFace, null)]
    [InlineData("stock~affine3", "stock", false, null, Alignment.Affine3)]
    [InlineData("faceres+flip@BlazeFace256~affine3", "faceres", true, DetectorChoice.BlazeFace256, Alignment.Affine3)]
    [InlineData("mine@faceplugin~similarity", "mine", false, DetectorChoice.UltraFace, Alignment.Similarity)]
    [InlineData("/tmp/models/my-model@", "/tmp/models/my-model", false, DetectorChoice.UltraFace, null)]
    [InlineData("@blazeface", "stock+dlib", false, DetectorChoice.BlazeFace, null)]
    public void Parse_splits_embedder_flip_detector_and_alignment(string? text, string embedder, bool flip, DetectorChoice? detector, Alignment? alignment)
    {
        var spec = ModelSpec.Parse(text);
        Assert.Equal(new ModelSpec(embedder, flip, detector, alignment), spec);
    }

    [Theory]
    [InlineData("stock", "stock")]
    [InlineData("stock+flip", "stock+flip")]
    [InlineData("dlib+FLIP@BLAZEFACE256~Affine3", "dlib+flip@blazeface256~affine3")]
    [InlineData("mine@faceplugin", "mine@ultraface")]
    [InlineData("custom-model~similarity", "custom-model~similarity")]
    public void ToString_prints_the_canonical_name_that_parses_back_to_the_same_spec(string text, string canonical)
    {
        var spec = ModelSpec.Parse(text);
        Assert.Equal(canonical, spec.ToString());
        Assert.Equal(spec, ModelSpec.Parse(spec.ToString()));
    }

    [Fact]
    public void Unknown_detector_or_alignment_is_a_format_error_that_lists_the_known_names()
    {
        var detector = Assert.Throws<FormatException>(() => ModelSpec.Parse("stock@retinaface"));
        Assert.Equal("unknown detector 'retinaface': use ultraface (default), blazeface or blazeface256", detector.Message);
        var alignment = Assert.Throws<FormatException>(() => ModelSpec.Parse("stock~perspective"));
        Assert.Equal("unknown alignment 'perspective': use similarity (default) or affine3", alignment.Message);
        // The alignment is split off first, so it is the one reported when both are wrong.
        Assert.Contains("alignment 'b'", Assert.Throws<FormatException>(() => ModelSpec.Parse("x@a~b")).Message);
    }

    [Theory]
    [InlineData("stock", true)]
    [InlineData("faceplugin+flip", true)]
    [InlineData(FaceEmbedder.Id, true)]
    [InlineData("dlib", false)]
    [InlineData("stock-tuned", false)]
    public void IsStock_knows_the_stock_embedder_by_every_name(string text, bool stock) =>
        Assert.Equal(stock, ModelSpec.Parse(text).IsStock);

    [Fact]
    public void FindFolder_takes_a_model_folder_by_path_or_by_name_under_custom()
    {
        using var tmp = new TempDir();
        Directory.CreateDirectory(tmp["models/custom/tuned"]);
        File.WriteAllText(tmp["models/custom/tuned/model.json"], """{"id": "tuned-01234567"}""");
        Directory.CreateDirectory(tmp["elsewhere/mine"]);
        File.WriteAllText(tmp["elsewhere/mine/model.json"], """{"id": "mine-01234567"}""");
        Directory.CreateDirectory(tmp["empty"]);

        Assert.Equal(tmp["models/custom/tuned"], ModelSpec.Parse("tuned+flip@blazeface").FindFolder(tmp["models"]));
        Assert.Equal(tmp["elsewhere/mine"], ModelSpec.Parse(tmp["elsewhere/mine"] + "~affine3").FindFolder(tmp["models"]));
        Assert.Null(ModelSpec.Parse(tmp["empty"]).FindFolder(tmp["models"]));
        Assert.Null(ModelSpec.Parse("stock").FindFolder(tmp["models"]));
    }

    [Fact]
    public void EmbedderChoice_and_the_name_resolve_the_same_model_with_flip()
    {
        var store = new ModelStore();
        var fromText = EmbedderChoice.Resolve(store, "stock+flip@blazeface");
        var fromSpec = EmbedderChoice.Resolve(store, new ModelSpec("stock", Flip: true));
        Assert.Equal(FaceEmbedder.Id + "+flip", fromText.Id);
        Assert.Equal(fromSpec.Path, fromText.Path);
        Assert.Equal("stock+flip", fromText.Name);
        Assert.Contains("no model 'nothing'", Assert.Throws<ModelFetchException>(() => EmbedderChoice.Resolve(store, "nothing@blazeface")).Message);
    }
}
