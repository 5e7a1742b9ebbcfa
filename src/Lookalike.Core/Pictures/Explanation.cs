using System.Numerics.Tensors;
using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>How a similarity map was computed. Occlusion works with any embedder on a CPU; a gradient method needs a model with gradients.</summary>
public enum ExplainMethod
{
    Occlusion,
    /// <summary>Grad-CAM of a late convolution map (src/Lookalike.Training, TorchSharp): ReLU of the gradient-weighted map, cosine target.</summary>
    GradCam,
}

/// <summary>
/// Per-pixel contribution of an aligned 112x112 face to its similarity with a reference embedding: positive where
/// the region raises the similarity (hiding it lowers the score), negative where it lowers it.
/// </summary>
public sealed record SimilarityMap(float BaseSimilarity, float[] Values, int Size, ExplainMethod Method)
{
    public float this[int x, int y] => Values[y * Size + x];
    public float MaxAbs => Values.Length == 0 ? 0 : Math.Max(Math.Abs(Values.Max()), Math.Abs(Values.Min()));

    /// <summary>Mean contribution over a rectangle of the aligned face (template pixels).</summary>
    public float MeanOver(SKRectI r)
    {
        double sum = 0;
        var n = 0;
        for (var y = Math.Max(0, r.Top); y < Math.Min(Size, r.Bottom); y++)
            for (var x = Math.Max(0, r.Left); x < Math.Min(Size, r.Right); x++) { sum += this[x, y]; n++; }
        return n == 0 ? 0 : (float)(sum / n);
    }
}

/// <summary>
/// Occlusion sensitivity: slides a grey patch over the aligned face, embeds each occluded copy and records how
/// much the similarity to the reference drops; each pixel gets the mean drop of the patches covering it.
/// Patch 28 px at stride 12 on the 112-px face (64 embeddings per face, about 0.3 s on 2 cores): smaller patches
/// gave noisy maps, larger ones blurred eyes and nose together.
/// </summary>
public sealed class OcclusionExplainer(IFaceEmbedder embedder)
{
    public int Patch { get; init; } = 28;
    public int Stride { get; init; } = 12;

    public SimilarityMap Explain(SKBitmap aligned, float[] reference)
    {
        var size = aligned.Width;
        if (size != aligned.Height) throw new ArgumentException("the aligned face must be square");
        var baseSimilarity = Similarity(aligned, reference);
        var starts = new List<int>();
        for (var s = 0; s + Patch <= size; s += Stride) starts.Add(s);
        if (starts[^1] + Patch < size) starts.Add(size - Patch);
        var patches = starts.SelectMany(y => starts.Select(x => (X: x, Y: y))).ToArray();
        var drops = new float[patches.Length];
        var pixels = aligned.GetPixelSpan().ToArray();
        Parallel.For(0, patches.Length, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            using var occluded = new SKBitmap(aligned.Info);
            var span = occluded.GetPixelSpan();
            pixels.CopyTo(span);
            var (px, py) = patches[i];
            for (var y = py; y < py + Patch; y++)
                for (var x = px; x < px + Patch; x++)
                {
                    var o = (y * size + x) * 4;
                    span[o] = span[o + 1] = span[o + 2] = 127; // the embedder's zero input
                }
            drops[i] = baseSimilarity - Similarity(occluded, reference);
        });
        var sum = new float[size * size];
        var count = new int[size * size];
        for (var i = 0; i < patches.Length; i++)
        {
            var (px, py) = patches[i];
            for (var y = py; y < py + Patch; y++)
                for (var x = px; x < px + Patch; x++) { sum[y * size + x] += drops[i]; count[y * size + x]++; }
        }
        for (var i = 0; i < sum.Length; i++) sum[i] = count[i] > 0 ? sum[i] / count[i] : 0;
        return new SimilarityMap(baseSimilarity, sum, size, ExplainMethod.Occlusion);
    }

    private float Similarity(SKBitmap aligned, float[] reference)
    {
        var e = embedder.Embed(aligned);
        return TensorPrimitives.Dot(e, reference) / TensorPrimitives.Norm(e);
    }
}

/// <summary>Draws two aligned faces side by side, each with its similarity map over it and a shared colour bar.</summary>
public static class ExplanationPicture
{
    private const int Scale = 3, Pad = 16, Bar = 18;

    public static byte[] Render(SKBitmap alignedA, SimilarityMap mapA, string labelA, SKBitmap alignedB, SimilarityMap mapB, string labelB, float similarity)
    {
        var face = alignedA.Width * Scale;
        var width = Pad * 3 + face * 2 + 90;
        var height = Pad * 2 + 30 + face + 40;
        var range = Math.Max(1e-4f, Math.Max(mapA.MaxAbs, mapB.MaxAbs));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            var caption = mapA.Method == ExplainMethod.GradCam
                ? "red areas raise it (Grad-CAM of the last 7x7 block, cosine target)"
                : "red areas raise it, blue areas lower it (occlusion, patch drop in cosine)";
            Fonts.Draw(canvas, $"similarity {similarity:F3}: {caption}", Pad, Pad + 14, 15, SKColors.Black);
            var top = Pad + 30;
            DrawFace(canvas, alignedA, mapA, range, Pad, top, face);
            DrawFace(canvas, alignedB, mapB, range, Pad * 2 + face, top, face);
            Fonts.Draw(canvas, labelA, Pad, top + face + 22, 14, SKColors.Black);
            Fonts.Draw(canvas, labelB, Pad * 2 + face, top + face + 22, 14, SKColors.Black);
            // Colour bar: +range at the top, -range at the bottom.
            var barX = Pad * 3 + face * 2;
            for (var y = 0; y < face; y++)
            {
                var v = range * (1 - 2f * y / (face - 1));
                using var paint = new SKPaint { Color = ColorOf(v / range).WithAlpha(255) };
                canvas.DrawRect(barX, top + y, Bar, 1, paint);
            }
            using var border = new SKPaint { Color = SKColors.Gray, Style = SKPaintStyle.Stroke };
            canvas.DrawRect(barX, top, Bar, face, border);
            Fonts.Draw(canvas, $"+{range:F3}", barX + Bar + 4, top + 10, 12, SKColors.Black);
            Fonts.Draw(canvas, "0", barX + Bar + 4, top + face / 2f + 4, 12, SKColors.Black);
            Fonts.Draw(canvas, $"-{range:F3}", barX + Bar + 4, top + face, 12, SKColors.Black);
        }
        return Imaging.ImageLoader.EncodePng(bitmap);
    }

    private static void DrawFace(SKCanvas canvas, SKBitmap aligned, SimilarityMap map, float range, float x, float y, int size)
    {
        using var img = SKImage.FromBitmap(aligned);
        canvas.DrawImage(img, SKRect.Create(x, y, size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        using var overlay = new SKBitmap(new SKImageInfo(map.Size, map.Size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var py = 0; py < map.Size; py++)
            for (var px = 0; px < map.Size; px++)
            {
                var v = map[px, py] / range;
                overlay.SetPixel(px, py, ColorOf(v).WithAlpha((byte)(Math.Min(1f, Math.Abs(v)) * 170)));
            }
        using var heat = SKImage.FromBitmap(overlay);
        // The map is built from overlapping square patches; a blur of about half a stride hides the grid steps.
        using var blur = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(6f * Scale / 2, 6f * Scale / 2) };
        canvas.Save();
        canvas.ClipRect(SKRect.Create(x, y, size, size));
        canvas.DrawImage(heat, SKRect.Create(x, y, size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), blur);
        canvas.Restore();
    }

    /// <summary>Diverging colours: blue (−1) → white (0) → red (+1).</summary>
    private static SKColor ColorOf(float v)
    {
        v = Math.Clamp(v, -1, 1);
        return v >= 0
            ? new SKColor(255, (byte)(255 * (1 - v)), (byte)(255 * (1 - v)))
            : new SKColor((byte)(255 * (1 + v)), (byte)(255 * (1 + v)), 255);
    }
}

/// <summary>Both maps and the picture for the largest faces of two photos.</summary>
public sealed record PairExplanation(float Similarity, SimilarityMap A, SimilarityMap B, byte[] Png)
{
    /// <summary>Explains two photos' largest faces; null when either has no face.</summary>
    public static PairExplanation? Explain(FacePipeline pipeline, SKBitmap imageA, string labelA, SKBitmap imageB, string labelB)
    {
        if (pipeline.Analyze(imageA).Largest is not { } faceA || pipeline.Analyze(imageB).Largest is not { } faceB) return null;
        using var alignedA = FaceAligner.Align(imageA, faceA.FivePoints);
        using var alignedB = FaceAligner.Align(imageB, faceB.FivePoints);
        return Explain(pipeline, alignedA, faceA.Embedding, labelA, alignedB, faceB.Embedding, labelB);
    }

    /// <summary>Explains two aligned faces given their (normalised) embeddings.</summary>
    public static PairExplanation Explain(FacePipeline pipeline, SKBitmap alignedA, float[] embeddingA, string labelA, SKBitmap alignedB, float[] embeddingB, string labelB)
    {
        var explainer = new OcclusionExplainer(pipeline.Embedder);
        var mapA = explainer.Explain(alignedA, embeddingB);
        var mapB = explainer.Explain(alignedB, embeddingA);
        var similarity = Verification.Similarity(embeddingA, embeddingB);
        return new PairExplanation(similarity, mapA, mapB, ExplanationPicture.Render(alignedA, mapA, labelA, alignedB, mapB, labelB, similarity));
    }
}
