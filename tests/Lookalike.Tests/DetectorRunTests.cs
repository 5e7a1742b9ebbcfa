using System.Numerics.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Tests;

/// <summary>
/// How many model runs an analysis makes (counted by <see cref="ModelRunTrace"/>, never timed), and that the shortcuts
/// give the face the full recipe gives: the detector's box, 68 landmarks, alignment and embedding, done by hand here.
/// </summary>
[Collection(PipelineCollection.Name)]
public class DetectorRunTests(PipelineFixture fx)
{
    private static string Image(string set, string relative) => Path.Combine(Shared.Set(set), "images", relative);

    /// <summary>The recipe by hand: the largest detection at <paramref name="padding"/>, its landmarks, the aligned crop, the unit embedding.</summary>
    private float[] ByHand(string path, float padding)
    {
        using var image = ImageLoader.Load(path);
        var detection = fx.Pipeline.Detector.Detect(image, padding).OrderByDescending(d => d.Box.Area).First();
        var landmarks = fx.Pipeline.Landmarker.Locate(image, detection.Box.ToSquare());
        using var aligned = FaceAligner.Align(image, LandmarkModel.FivePoints(landmarks));
        var embedding = fx.Pipeline.Embedder.Embed(aligned);
        TensorPrimitives.Divide(embedding, TensorPrimitives.Norm(embedding), embedding);
        return embedding;
    }

    [Fact]
    public void Tight_crop_runs_the_detector_twice_not_three_times_and_keeps_its_face()
    {
        var path = Image("tight-crops", "Angelina_Jolie/img1.jpg"); // 176x176, the face fills it
        using (var image = ImageLoader.Load(path))
        {
            // Before the shortcut: the detection on the image filled the frame and sent the face to the 1.5x canvas.
            var onImage = fx.Pipeline.Detector.Detect(image).OrderByDescending(d => d.Box.Area).First();
            Assert.True(onImage.Box.ToSquare().ClipTo(image.Width, image.Height).Height > 0.75f * Math.Min(image.Width, image.Height));
        }
        using var trace = ModelRunTrace.Start();
        var analysis = fx.Pipeline.Analyze(path);
        var face = Assert.Single(analysis.Faces);
        Assert.Equal(FaceSource.FrameFilling, face.Source);
        Assert.Equal(0, trace.Count(ModelRunTrace.DetectOnImage));
        Assert.Equal(1, trace.Count(ModelRunTrace.DetectOnCanvas));
        Assert.Equal(1, trace.Count(ModelRunTrace.FaceCheck));
        Assert.Equal(1, trace.Count(ModelRunTrace.Embedding));
        Assert.True(face.CropScore >= 0.5f && face.Norm >= 2f, $"strict check: crop {face.CropScore:F2}, norm {face.Norm:F2}");
        Assert.True(TensorPrimitives.CosineSimilarity(face.Embedding, ByHand(path, 1.5f)) > 0.9999f);
    }

    [Fact]
    public void Photo_runs_the_detector_once_on_the_image_and_once_on_its_crop()
    {
        var path = Image("deepface-pairs", "Angelina_Jolie/img1.jpg"); // 1382x1868, one face
        using var trace = ModelRunTrace.Start();
        var face = Assert.Single(fx.Pipeline.Analyze(path).Faces);
        Assert.Equal(FaceSource.Primary, face.Source);
        Assert.Equal(1, trace.Count(ModelRunTrace.DetectOnImage));
        Assert.Equal(0, trace.Count(ModelRunTrace.DetectOnCanvas));
        Assert.Equal(1, trace.Count(ModelRunTrace.FaceCheck));
        Assert.Equal(1, trace.Count(ModelRunTrace.Landmarks));
        Assert.Equal(1, trace.Count(ModelRunTrace.Embedding));
        Assert.True(TensorPrimitives.CosineSimilarity(face.Embedding, ByHand(path, 1f)) > 0.9999f);
    }

    [Theory]
    [InlineData("no_face/200x200.png")]
    [InlineData("no_face/plant.png")]
    public void No_face_image_is_detected_on_each_canvas_once_and_finds_nothing(string file)
    {
        using var trace = ModelRunTrace.Start();
        Assert.Empty(fx.Pipeline.Analyze(Image("edge-cases", file)).Faces);
        // The 1.5x canvas serves the crop shortcut, the frame-filling step and the first retry: one run for all.
        Assert.Equal(3, trace.Count(ModelRunTrace.DetectOnCanvas));
        Assert.Equal(1, trace.Count(ModelRunTrace.DetectOnImage));
    }
}
