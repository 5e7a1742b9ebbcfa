using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// fr_landmark.onnx: 68 points from a 64x64 grey crop scaled to [0, 1) (v / 256). The crop is the detector's
/// square enlarged about its centre and not clipped (outside the image is black): by 30 % for faces of 180 px and
/// more (on the first pipeline's frame-filling thumbnails the bare detector square was too tight: tight-crops AUC
/// 0.92 → 1.00, docs/models.md), by 10 % for faces of 120 px and less, linearly between
/// (<see cref="CropEnlargement"/>; measured on every shared set, docs/accuracy.md "Small faces").
/// </summary>
public sealed class LandmarkModel : ILandmarker, IDisposable
{
    /// <summary>
    /// Factor the detector's square is enlarged by (about its centre) before the 64x64 crop, by the square's side in
    /// the analysed image's pixels: 1.1 up to 120 px, 1.3 from 180 px, linear between (no step, so a face a pixel
    /// larger gets nearly the same crop). A tighter crop of small faces lifted south-asian-celebs' AUC 0.845 → 0.873
    /// and celebs-24's 0.977 → 0.982 with every other shared set unchanged; 1.1 for every face lost on
    /// jp-politicians' large masked faces (0.97 → 0.94).
    /// </summary>
    /// <param name="side">The detector square's side in pixels.</param>
    public static float CropEnlargement(float side) => 1.1f + 0.2f * Math.Clamp((side - 120f) / 60f, 0f, 1f);
    private const int Size = 64;
    private readonly OnnxModel _model;

    /// <summary>Loads fr_landmark.onnx.</summary>
    /// <param name="modelPath">Path of the ONNX model.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (at least 1).</param>
    public LandmarkModel(string modelPath, int threads = 1) => _model = new OnnxModel(modelPath, threads, ModelRunTrace.Landmarks);

    internal long ModelRuns => _model.Runs;

    /// <inheritdoc/>
    public PointF[] Locate(SKBitmap image, Box square, CancellationToken cancellation = default)
    {
        var crop = square.Scale(CropEnlargement(square.Width));
        var input = new float[Size * Size];
        using (var patch = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            using (var canvas = new SKCanvas(patch))
            {
                canvas.Clear(SKColors.Black);
                var k = Size / crop.Width;
                canvas.SetMatrix(SKMatrix.CreateScale(k, Size / crop.Height).PreConcat(SKMatrix.CreateTranslation(-crop.X, -crop.Y)));
                using var img = SKImage.FromBitmap(image);
                canvas.DrawImage(img, 0, 0, Sampling.Smooth);
            }
            ReadOnlySpan<byte> px = patch.GetPixelSpan();
            for (var i = 0; i < Size * Size; i++)
                input[i] = (0.299f * px[4 * i] + 0.587f * px[4 * i + 1] + 0.114f * px[4 * i + 2]) / 256f;
        }
        var output = _model.Run(input, cancellation)[0];
        var points = new PointF[output.Length / 2];
        for (var i = 0; i < points.Length; i++)
            points[i] = new PointF(output[2 * i] * crop.Width + crop.X, output[2 * i + 1] * crop.Height + crop.Y);
        return points;
    }

    /// <summary>
    /// The five alignment points from the 68: eye centres (mean of the four lid points), nose tip, mouth corners
    /// (mean of outer and inner corner), as in the package's convert68pts5pts.
    /// </summary>
    public static PointF[] FivePoints(ReadOnlySpan<PointF> p)
    {
        static PointF Mean(params ReadOnlySpan<PointF> q)
        {
            float x = 0, y = 0;
            foreach (var v in q) { x += v.X; y += v.Y; }
            return new PointF(x / q.Length, y / q.Length);
        }
        return
        [
            Mean(p[37], p[38], p[40], p[41]),
            Mean(p[43], p[44], p[46], p[47]),
            p[30],
            Mean(p[48], p[60]),
            Mean(p[54], p[64]),
        ];
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _model.Dispose();
}
