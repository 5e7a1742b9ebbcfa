using Lookalike.Imaging;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// How usable a face is for recognition, in [0, 1] (<see cref="Value"/>, JSON <c>quality</c>): the product of four
/// factors on fixed scales, each 1 when it cannot hurt and falling towards 0 where recognition was measured to fail:
/// face size in pixels, sharpness of the aligned crop, head turn from the landmarks, and (for the stock embedder) the
/// raw embedding norm, which is low on faces the model barely recognises as faces. Evaluated as an error-versus-reject
/// curve in docs/accuracy.md ("Face quality").
/// </summary>
/// <param name="Size">The face square's side in the photo's pixels.</param>
/// <param name="Sharpness">Variance of the Laplacian over the centre of the aligned 112x112 grey crop.</param>
/// <param name="Yaw">Head turn: |left − right| / (left + right) of the nose tip's distances to the two jaw ends (0 frontal, 1 profile).</param>
/// <param name="Norm">The raw embedding norm; null when the model's norm is not evidence (not the stock embedder, nor a fusion led by it).</param>
public sealed record FaceQuality(float Size, float Sharpness, float Yaw, float? Norm)
{
    /// <summary>Below this, a query face is reported as too poor for a reliable answer.</summary>
    public const float PoorBelow = 0.1f;

    /// <summary>Size factor: 0 at 16 px, 1 from 80 px.</summary>
    public float SizeFactor => Ramp(Size, 16, 80);

    /// <summary>Sharpness factor: 0 at a Laplacian variance of 10 (log scale), 1 from 150.</summary>
    public float SharpnessFactor => Ramp(MathF.Log10(Math.Max(Sharpness, 1e-3f)), 1f, MathF.Log10(150));

    /// <summary>Pose factor: 1 up to a yaw asymmetry of 0.3, 0 at 0.9.</summary>
    public float PoseFactor => 1 - Ramp(Yaw, 0.3f, 0.9f);

    /// <summary>Norm factor (stock embedder): 0 at 2 (the pipeline's face-check threshold), 1 from 5; 1 when <see cref="Norm"/> is null.</summary>
    public float NormFactor => Norm is { } n ? Ramp(n, 2f, 5f) : 1f;

    /// <summary>The quality in [0, 1]: the product of the factors.</summary>
    public float Value => SizeFactor * SharpnessFactor * PoseFactor * NormFactor;

    /// <summary>True when <see cref="Value"/> is below <see cref="PoorBelow"/>.</summary>
    public bool IsPoor => Value < PoorBelow;

    private static float Ramp(float v, float lo, float hi) => Math.Clamp((v - lo) / (hi - lo), 0f, 1f);

    /// <summary>The quality from the face's square, its 68 landmarks, its aligned 112x112 crop and its raw norm (null: not evidence for this model).</summary>
    public static FaceQuality Of(Box box, IReadOnlyList<PointF> landmarks, SKBitmap aligned, float? norm) =>
        new(box.Height, LaplacianVariance(aligned), YawOf(landmarks), norm);

    /// <summary>The quality of an analysed face from its box, landmarks, thumbnail and (when <paramref name="normIsEvidence"/>) raw norm.</summary>
    public static FaceQuality Of(Face face, bool normIsEvidence)
    {
        ArgumentNullException.ThrowIfNull(face);
        using var thumb = ImageLoader.Decode(face.Thumbnail);
        return new FaceQuality(face.Box.Height, LaplacianVariance(thumb), YawOf(face.Landmarks), normIsEvidence ? face.Norm : null);
    }

    /// <summary>Variance of the 4-neighbour Laplacian of the grey image over its central region (rows and columns 16 to size−16).</summary>
    public static float LaplacianVariance(SKBitmap aligned)
    {
        ArgumentNullException.ThrowIfNull(aligned);
        int w = aligned.Width, h = aligned.Height;
        var grey = new float[w * h];
        if (aligned.ColorType is SKColorType.Rgba8888 or SKColorType.Bgra8888 && aligned.RowBytes == 4 * w)
        {
            // Grey is symmetric enough in R and B for a sharpness measure: the channel order does not matter here.
            ReadOnlySpan<byte> px = aligned.GetPixelSpan();
            for (var i = 0; i < grey.Length; i++) grey[i] = 0.299f * px[4 * i] + 0.587f * px[4 * i + 1] + 0.114f * px[4 * i + 2];
        }
        else
        {
            for (var y = 0; y < h; y++)
            for (var x = 0; x < w; x++)
            {
                var c = aligned.GetPixel(x, y);
                grey[y * w + x] = 0.299f * c.Red + 0.587f * c.Green + 0.114f * c.Blue;
            }
        }
        double sum = 0, sq = 0;
        var n = 0;
        var m = Math.Min(16, Math.Min(w, h) / 4);
        for (var y = Math.Max(1, m); y < h - Math.Max(1, m); y++)
        for (var x = Math.Max(1, m); x < w - Math.Max(1, m); x++)
        {
            var i = y * w + x;
            double l = grey[i - 1] + grey[i + 1] + grey[i - w] + grey[i + w] - 4 * grey[i];
            sum += l;
            sq += l * l;
            n++;
        }
        if (n == 0) return 0;
        var mean = sum / n;
        return (float)(sq / n - mean * mean);
    }

    /// <summary>Head turn from 68 landmarks (iBUG: 0 and 16 jaw ends, 30 nose tip); 0 when there are fewer points.</summary>
    public static float YawOf(IReadOnlyList<PointF> landmarks)
    {
        ArgumentNullException.ThrowIfNull(landmarks);
        if (landmarks.Count < 68) return 0;
        var nose = landmarks[30];
        float Dist(PointF p) => MathF.Sqrt((p.X - nose.X) * (p.X - nose.X) + (p.Y - nose.Y) * (p.Y - nose.Y));
        float left = Dist(landmarks[0]), right = Dist(landmarks[16]);
        return left + right <= 0 ? 0 : Math.Abs(left - right) / (left + right);
    }
}
