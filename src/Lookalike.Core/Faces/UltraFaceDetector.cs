using System.Runtime.InteropServices;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// fr_detect.onnx (UltraFace RFB-320 layout). Input: the image letterboxed (aspect kept, grey 127 padding) into
/// 320x240, RGB, (v - 127) / 128, CHW. Output boxes are already decoded corners in [0, 1]: no prior decode.
/// Score-ordered greedy IoU NMS at 0.4. Letterboxing instead of the package's stretch-resize took lfw-gray
/// no-face images from 64/752 to 10/752 (docs/models.md).
/// </summary>
public sealed class UltraFaceDetector : IFaceDetector, IDisposable
{
    /// <summary>Default minimum detector score (face probability, 0–1) for a detection to be kept.</summary>
    public const float DefaultMinScore = 0.65f;
    private const int InputWidth = 320, InputHeight = 240;
    private const float NmsIoU = 0.4f;
    private const int TopK = 750;
    private readonly OnnxModel _model;

    /// <summary>Loads fr_detect.onnx.</summary>
    /// <param name="modelPath">Path of the ONNX model.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (at least 1).</param>
    public UltraFaceDetector(string modelPath, int threads = 1) => _model = new OnnxModel(modelPath, threads, ModelRunTrace.DetectOnImage);

    internal long ModelRuns => _model.Runs;

    /// <inheritdoc/>
    public IReadOnlyList<Detection> Detect(SKBitmap image, float padding = 1f, float minScore = DefaultMinScore, CancellationToken cancellation = default)
        => Detect(image, padding, minScore, padding == 1 ? ModelRunTrace.DetectOnImage : ModelRunTrace.DetectOnCanvas, cancellation);

    /// <summary>As <see cref="Detect(SKBitmap, float, float, CancellationToken)"/>, recorded in a <see cref="ModelRunTrace"/> as <paramref name="kind"/>.</summary>
    internal IReadOnlyList<Detection> Detect(SKBitmap image, float padding, float minScore, string kind, CancellationToken cancellation)
    {
        var (w, h) = (image.Width, image.Height);
        var (canvasW, canvasH) = (w * padding, h * padding);
        var s = Math.Min(InputWidth / canvasW, InputHeight / canvasH);
        var left = (InputWidth - canvasW * s) / 2 + (canvasW - w) / 2 * s;
        var top = (InputHeight - canvasH * s) / 2 + (canvasH - h) / 2 * s;

        var input = _model.RentInput();
        using (var letterbox = new SKBitmap(new SKImageInfo(InputWidth, InputHeight, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            using (var canvas = new SKCanvas(letterbox))
            {
                canvas.Clear(new SKColor(127, 127, 127));
                using var img = SKImage.FromBitmap(image);
                canvas.DrawImage(img, SKRect.Create(left, top, w * s, h * s), Sampling.Letterbox);
            }
            Tensors.RgbaToChw(letterbox, input, mean: 127f, scale: 1 / 128f);
        }

        float[][] outputs;
        try
        {
            outputs = _model.Run(input, kind, cancellation);
        }
        finally
        {
            _model.Return(input);
        }
        var (scores, boxes) = (outputs[0], outputs[1]);
        var candidates = new List<Detection>();
        for (var i = 0; i < scores.Length / 2; i++)
        {
            var score = scores[2 * i + 1];
            if (score < minScore) continue;
            float Map(float v, float size, float offset) => (v * size - offset) / s;
            var x1 = Map(boxes[4 * i], InputWidth, left);
            var y1 = Map(boxes[4 * i + 1], InputHeight, top);
            var x2 = Map(boxes[4 * i + 2], InputWidth, left);
            var y2 = Map(boxes[4 * i + 3], InputHeight, top);
            candidates.Add(new Detection(new Box(x1, y1, x2 - x1, y2 - y1), score));
        }
        return NonMaxSuppression(candidates, NmsIoU, TopK);
    }

    /// <summary>Greedy NMS: best score first, drop every box overlapping a kept one by more than <paramref name="iou"/>.</summary>
    internal static List<Detection> NonMaxSuppression(List<Detection> candidates, float iou, int topK)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        if (candidates.Count > topK) candidates.RemoveRange(topK, candidates.Count - topK);
        var kept = new List<Detection>();
        foreach (var c in candidates)
        {
            var overlaps = false;
            foreach (var k in kept)
            {
                if (k.Box.IoU(c.Box) > iou) { overlaps = true; break; }
            }
            if (!overlaps) kept.Add(c);
        }
        return kept;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _model.Dispose();
}

internal static class Sampling
{
    /// <summary>Linear filtering with linear mipmaps, as measured in docs/models.md.</summary>
    public static readonly SKSamplingOptions Smooth = new(SKFilterMode.Linear, SKMipmapMode.Linear);

    /// <summary>
    /// For the detector's letterbox (large downscales): linear within the nearest mipmap level. Trilinear cost
    /// 19 ms on a 2280x1588 photo, this 8 ms; without mipmaps (6-9 ms) the aliasing lost a face in the group selfie.
    /// </summary>
    public static readonly SKSamplingOptions Letterbox = new(SKFilterMode.Linear, SKMipmapMode.Nearest);
}

internal static class Tensors
{
    /// <summary>Writes an RGBA8888 bitmap as planar RGB floats: (v - mean) * scale.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public static void RgbaToChw(SKBitmap bitmap, Span<float> output, float mean, float scale)
    {
        var plane = bitmap.Width * bitmap.Height;
        ReadOnlySpan<byte> px = bitmap.GetPixelSpan();
        for (var i = 0; i < plane; i++)
        {
            output[i] = (px[4 * i] - mean) * scale;
            output[plane + i] = (px[4 * i + 1] - mean) * scale;
            output[2 * plane + i] = (px[4 * i + 2] - mean) * scale;
        }
    }
}
