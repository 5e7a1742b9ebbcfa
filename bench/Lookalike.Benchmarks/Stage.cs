using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Benchmarks;

/// <summary>
/// What every stage's benchmark starts from: the real pipeline (1 ONNX thread, as the indexer's workers run it) and one
/// real one-face photo from shared/data, with the face found once so each class times only its own stage.
/// </summary>
public abstract class Stage
{
    /// <summary>A one-face photo of 0.3 MP (the shared deepface set); $LOOKALIKE_BENCH_PHOTO picks another.</summary>
    protected static string PhotoPath =>
        Environment.GetEnvironmentVariable("LOOKALIKE_BENCH_PHOTO") is { Length: > 0 } p ? p
        : SharedData.Find("deepface-pairs/images/Angelina_Jolie/img1.jpg")
          ?? throw new InvalidOperationException("shared/data not found: set LOOKALIKE_DATA or LOOKALIKE_BENCH_PHOTO");

    protected FacePipeline Pipeline = null!;
    protected byte[] Jpeg = null!;
    protected SKBitmap Image = null!;
    protected Detection Face;
    protected PointF[] Landmarks = null!;
    protected SKBitmap Aligned = null!;

    public void SetUpPipeline()
    {
        Pipeline = new FacePipeline(new ModelStore(), new PipelineOptions { Threads = 1 });
        Jpeg = File.ReadAllBytes(PhotoPath);
        Image = ImageLoader.Decode(Jpeg);
        Face = Pipeline.Detector.Detect(Image) is [var first, ..] ? first : throw new InvalidOperationException("no face in the bench photo");
        Landmarks = Pipeline.Landmarker.Locate(Image, Face.Box.ToSquare());
        Aligned = FaceAligner.Align(Image, LandmarkModel.FivePoints(Landmarks));
    }

    public void TearDownPipeline()
    {
        Aligned.Dispose();
        Image.Dispose();
        Pipeline.Dispose();
    }
}
