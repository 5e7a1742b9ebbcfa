using SkiaSharp;

namespace Lookalike.Imaging;

/// <summary>Limits checked before a full decode.</summary>
public sealed record ImageLimits(long MaxBytes = 40L * 1024 * 1024, long MaxPixels = 50_000_000)
{
    /// <summary>The default limits: 40 MB per file and 50 megapixels.</summary>
    public static readonly ImageLimits Default = new();
}
