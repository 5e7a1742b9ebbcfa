using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Pictures;
using SkiaSharp;

namespace Lookalike.Tests;

[Collection(PipelineCollection.Name)]
public class ExplainTests(PipelineFixture fx)
{
    private (SKBitmap Aligned, Face Face) Align(string path)
    {
        using var image = ImageLoader.Load(path);
        var face = fx.Pipeline.Analyze(image).Largest!;
        return (FaceAligner.Align(image, face.FivePoints), face);
    }

    private static readonly SKRectI EyesAndNose = new(24, 38, 88, 82);

    private static float Corners(SimilarityMap m) =>
        (m.MeanOver(new SKRectI(0, 0, 16, 16)) + m.MeanOver(new SKRectI(96, 0, 112, 16)) +
         m.MeanOver(new SKRectI(0, 96, 16, 112)) + m.MeanOver(new SKRectI(96, 96, 112, 112))) / 4;

    [Fact]
    public void Hiding_eyes_and_nose_lowers_same_person_similarity_more_than_hiding_corners()
    {
        var pairs = PairList.Read(Path.Combine(Shared.Set("deepface-pairs"), "pairs.csv")).Where(p => p.Same).Take(6).ToList();
        var explainer = new OcclusionExplainer(fx.Pipeline.Embedder);
        foreach (var pair in pairs)
        {
            var (a, faceA) = Align(pair.A);
            var (_, faceB) = Align(pair.B);
            using (a)
            {
                var map = explainer.Explain(a, faceB.Embedding);
                Assert.InRange(map.BaseSimilarity, Verification.Similarity(faceA, faceB) - 0.02f, Verification.Similarity(faceA, faceB) + 0.02f);
                Assert.True(map.MeanOver(EyesAndNose) > Corners(map) + 0.01f,
                    $"{Path.GetFileName(pair.A)}: eyes+nose {map.MeanOver(EyesAndNose):F4} vs corners {Corners(map):F4}");
            }
        }
    }

    [Fact]
    public void Maps_are_deterministic_and_the_picture_is_not_uniform()
    {
        var dir = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie");
        var (a, faceA) = Align(Path.Combine(dir, "img1.jpg"));
        var (b, faceB) = Align(Path.Combine(dir, "img2.jpg"));
        using (a)
        using (b)
        {
            var explainer = new OcclusionExplainer(fx.Pipeline.Embedder);
            var first = explainer.Explain(a, faceB.Embedding);
            var second = explainer.Explain(a, faceB.Embedding);
            Assert.Equal(first.Values, second.Values);
            var png = ExplanationPicture.Render(a, first, "a", b, explainer.Explain(b, faceA.Embedding), "b", Verification.Similarity(faceA, faceB));
            using var picture = SKBitmap.Decode(png);
            Assert.True(picture.Width >= 2 * 112 * 3 && picture.Height >= 112 * 3);
            // The overlay is red where the face matters: some pixels of the two faces (left of the colour bar) are strongly red.
            var reds = 0;
            var facesRight = 16 * 2 + 112 * 3 * 2;
            for (var y = 0; y < picture.Height; y += 2)
                for (var x = 0; x < facesRight; x += 2)
                {
                    var c = picture.GetPixel(x, y);
                    if (c.Red > 200 && c.Green < 120 && c.Blue < 120) reds++;
                }
            Assert.True(reds > 200, $"{reds} strongly red pixels");
        }
    }
}
