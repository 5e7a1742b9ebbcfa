using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// The mean face of a set of photos: every face aligned by its five points to one template in a 256 px square that
/// keeps forehead and chin (the ArcFace template scaled by 1.6 around the nose), then pixels averaged. Faces are
/// aligned by a similarity transform only, so features line up where the five points are and blur elsewhere.
/// </summary>
public static class AverageFace
{
    public const int Size = 256;

    /// <summary>The 112-px ArcFace template scaled 1.6x with the nose at (128, 140).</summary>
    public static readonly PointF[] Template = [.. FaceAligner.Template.Select(p => new PointF((p.X - 56.0252f) * 1.6f + 128, (p.Y - 71.7366f) * 1.6f + 140))];

    /// <summary>Averages the largest face of each image; returns null when no image had a face.</summary>
    public static SKBitmap? Of(FacePipeline pipeline, IEnumerable<SKBitmap> images, out int used)
    {
        var sum = new double[Size * Size * 3];
        var weight = new double[Size * Size];
        used = 0;
        foreach (var image in images)
        {
            if (pipeline.Analyze(image).Largest is not { } face) continue;
            using var aligned = FaceAligner.Align(image, face.FivePoints, Template, Size);
            Accumulate(aligned, sum, weight, Size);
            used++;
        }
        return used == 0 ? null : ToBitmap(sum, weight, Size);
    }

    /// <summary>
    /// The mean of already aligned faces of one size (e.g. the gallery's stored 112x112 thumbnails), without
    /// detecting anything again: what the web app shows for a person whose photos are not on disk.
    /// </summary>
    public static SKBitmap OfAligned(IReadOnlyList<SKBitmap> aligned)
    {
        if (aligned.Count == 0) throw new ArgumentException("no faces to average", nameof(aligned));
        var size = aligned[0].Width;
        var sum = new double[size * size * 3];
        var weight = new double[size * size];
        foreach (var a in aligned)
        {
            if (a.Width != size || a.Height != size) throw new ArgumentException("aligned faces must share one size");
            Accumulate(a, sum, weight, size);
        }
        return ToBitmap(sum, weight, size);
    }

    /// <summary>A morph between two average faces: pixel blend, <paramref name="ratio"/> 0 = a, 1 = b.</summary>
    public static SKBitmap Blend(SKBitmap a, SKBitmap b, float ratio)
    {
        var result = new SKBitmap(new SKImageInfo(Size, Size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var pa = a.GetPixelSpan();
        var pb = b.GetPixelSpan();
        var pr = result.GetPixelSpan();
        for (var i = 0; i < pr.Length; i++) pr[i] = (byte)Math.Round(pa[i] * (1 - ratio) + pb[i] * ratio);
        return result;
    }

    private static void Accumulate(SKBitmap aligned, double[] sum, double[] weight, int size)
    {
        var px = aligned.GetPixelSpan();
        for (var i = 0; i < size * size; i++)
        {
            // Pixels the warp left black (outside the photo) carry no information: leave them out of the mean.
            if (px[4 * i] == 0 && px[4 * i + 1] == 0 && px[4 * i + 2] == 0) continue;
            sum[3 * i] += px[4 * i];
            sum[3 * i + 1] += px[4 * i + 1];
            sum[3 * i + 2] += px[4 * i + 2];
            weight[i]++;
        }
    }

    private static SKBitmap ToBitmap(double[] sum, double[] weight, int size)
    {
        var bitmap = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var px = bitmap.GetPixelSpan();
        for (var i = 0; i < size * size; i++)
        {
            var w = Math.Max(1, weight[i]);
            px[4 * i] = (byte)Math.Round(sum[3 * i] / w);
            px[4 * i + 1] = (byte)Math.Round(sum[3 * i + 1] / w);
            px[4 * i + 2] = (byte)Math.Round(sum[3 * i + 2] / w);
            px[4 * i + 3] = 255;
        }
        return bitmap;
    }
}
