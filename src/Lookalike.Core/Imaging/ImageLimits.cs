using SkiaSharp;

namespace Lookalike.Imaging;

/// <summary>Limits checked before a full decode.</summary>
public sealed record ImageLimits(long MaxBytes = 40L * 1024 * 1024, long MaxPixels = 50_000_000)
{
    public static readonly ImageLimits Default = new();
}
