using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Tests;

/// <summary>
/// The fused stock+dlib model (its vector's cosine is the weighted sum of the two models' cosines, and it lifts the
/// South Asian crops above the stock model) and the per-face quality (lower for a blurred or shrunken copy of a photo).
/// </summary>
[Collection(PipelineCollection.Name)]
public class FusionAndQualityTests(PipelineFixture fx, ITestOutputHelper log)
{
    private static string Photo(string person, string file) => Path.Combine(Shared.Set("deepface-pairs"), "images", person, file);

    [Fact]
    public void The_fused_cosine_is_the_weighted_sum_of_the_stock_and_dlib_cosines()
    {
        var fused = fx.Default; // stock+dlib
        using var dlib = new FacePipeline(fx.Store, new PipelineOptions { Embedder = EmbedderChoice.Resolve(fx.Store, "dlib") });
        Assert.Equal(512 + 128, fused.Dimension);
        Assert.Equal(FusedModel.StockDlib.Platt.Slope, fused.Calibration.Slope);
        Assert.Equal(fused.ModelId, fused.Calibration.ModelId);
        string a = Photo("Angelina_Jolie", "img1.jpg"), b = Photo("Angelina_Jolie", "img10.jpg");
        Face F(FacePipeline p, string path) => p.Analyze(path).Largest ?? throw new Xunit.Sdk.XunitException($"no face in {path}");
        var (fa, fb) = (F(fused, a), F(fused, b));
        Assert.Equal(1.0, Math.Sqrt(fa.Embedding.Sum(v => (double)v * v)), 4);
        var stockCos = Verification.Similarity(F(fx.Pipeline, a), F(fx.Pipeline, b));
        var dlibCos = Verification.Similarity(F(dlib, a), F(dlib, b));
        var w = FusedModel.StockDlib.Weight;
        var fusedCos = Verification.Similarity(fa, fb);
        log.WriteLine($"stock {stockCos:F4}, dlib {dlibCos:F4}, fused {fusedCos:F4}");
        Assert.Equal(w * stockCos + (1 - w) * dlibCos, fusedCos, 3);
        // The stock part of the fused vector is the stock embedding itself (both embeddings are stored).
        var stockPart = fa.Embedding.AsSpan(0, 512).ToArray().Select(v => v / (float)Math.Sqrt(w)).ToArray();
        Assert.Equal(1.0, System.Numerics.Tensors.TensorPrimitives.Dot(stockPart, F(fx.Pipeline, a).Embedding), 3);
        Assert.True(fused.Calibration.Same(fusedCos), $"same person at {fusedCos:F4}, verdict {fused.Calibration.Threshold}");
        // Accepted by the crop check like the converted models, it still finds no face in the face-free edge cases.
        foreach (var empty in Directory.EnumerateFiles(Path.Combine(Shared.Set("edge-cases"), "images", "no_face")))
            Assert.Empty(fused.Analyze(empty).Faces);
    }

    [Fact]
    public void The_default_fusion_meets_the_south_asian_and_rank_1_goals_on_the_shared_sets()
    {
        // Issue 18's goals, as measured by `lookalike accuracy` on 2026-12-03 (docs/accuracy.md): south-asian-celebs AUC
        // 0.9054 with 7 of 305 images without a face (stock 0.8731, 12), celebs-24 0.9898 (stock 0.9818), celebs-24
        // split rank-1 0.9915 (stock 0.9872).
        var fused = fx.Default;
        Assert.Equal(ModelSpec.DefaultName, fused.Embedding.Name);
        foreach (var (set, aucFloor, noFaceCeiling) in new[] { ("south-asian-celebs", 0.900, 7), ("celebs-24", 0.988, 1) })
        {
            var pairs = PersonFolders.Pairs(PersonFolders.Read(Path.Combine(Shared.Set(set), "images")));
            var e = ImageEmbeddings.Compute(fused, pairs.SelectMany(p => new[] { p.A, p.B }));
            var v = VerificationEval.Evaluate(e.Score(pairs), resamples: 0);
            log.WriteLine($"stock+dlib {set} AUC {v.Auc:F4}, {e.Failures.Count} images without a face");
            Assert.True(v.Auc >= aucFloor, $"{set} AUC {v.Auc:F4}");
            Assert.True(e.Failures.Count <= noFaceCeiling, $"{set}: {e.Failures.Count} images without a face");
        }
        var celebs = Shared.Set("celebs-24");
        var split = File.ReadLines(Path.Combine(celebs, "split.csv")).Skip(1).Select(l => l.Split(','))
            .Select(c => (Image: new LabelledImage(Path.Combine(celebs, c[0]), c[1]), Part: c[2])).ToList();
        var embeddings = ImageEmbeddings.Compute(fused, split.Select(x => x.Image.Path));
        var rank1 = Identification.Evaluate([.. split.Where(x => x.Part == "gallery").Select(x => x.Image)],
            [.. split.Where(x => x.Part == "query").Select(x => x.Image)], embeddings).Rank1;
        Assert.True(rank1 >= 0.99, $"celebs-24 split rank-1 {rank1:F4}");
    }

    [Fact]
    public void The_default_fusions_curve_is_what_the_stated_pairs_give()
    {
        var fit = new[] { "lfw-gray/pairs.csv", "deepface-pairs/pairs_extra.csv" }.SelectMany(f => PairList.Read(Path.Combine(Shared.Data, f))).ToList();
        var e = ImageEmbeddings.Compute(fx.Default, fit.SelectMany(p => new[] { p.A, p.B }));
        var cal = Calibration.Fit(e.Score(fit), fx.Default.ModelId, "test");
        Assert.Equal(FusedModel.StockDlib.Platt.Slope, cal.Slope, 0.05);
        Assert.Equal(FusedModel.StockDlib.Platt.Intercept, cal.Intercept, 0.05);
        // Its references are its own: the likeness table is on the fused cosine scale (strangers' median near 0.66).
        Assert.InRange(fx.Default.Calibration.Likeness!.Likeness(0.657f), 0.45, 0.55);
        Assert.NotNull(fx.Default.Calibration.OpenSet);
    }

    [Fact]
    public void Quality_is_lower_for_a_blurred_or_shrunken_copy_of_a_photo()
    {
        var path = Photo("Angelina_Jolie", "img1.jpg");
        using var original = ImageLoader.Load(path);
        var face = fx.Pipeline.Analyze(original).Largest!;
        // Blurred at the scale of the face (the aligned crop is 112 px across: sigma 1/30 of the face is about 4 px there).
        var sigma = face.Box.Height / 30;
        using var blurred = new SKBitmap(original.Info);
        using (var canvas = new SKCanvas(blurred))
        using (var paint = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(sigma, sigma) })
        using (var image = SKImage.FromBitmap(original))
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear), paint);
        var scale = 40f / face.Box.Height; // the face about 40 px high
        using var small = original.Resize(new SKImageInfo((int)(original.Width * scale), (int)(original.Height * scale)), SKSamplingOptions.Default);
        var q = face.Quality;
        var qBlur = fx.Pipeline.Analyze(blurred).Largest!.Quality;
        var qSmall = fx.Pipeline.Analyze(small).Largest!.Quality;
        log.WriteLine($"quality: original {q:F3} ({face.Box.Height:F0} px), blurred {qBlur:F3}, 40 px {qSmall:F3}");
        Assert.InRange(q, 0f, 1f);
        Assert.True(q > 0.3f, $"a sharp frontal {face.Box.Height:F0} px face has quality {q:F3}");
        Assert.True(qBlur < q - 0.1f, $"blurred {qBlur:F3} vs original {q:F3}");
        Assert.True(qSmall < q - 0.1f, $"40 px {qSmall:F3} vs original {q:F3}");
        var json = Cli.Json("faces", path);
        Assert.Equal(q, json.GetProperty("faces")[0].GetProperty("quality").GetDouble(), 3);
    }
}
