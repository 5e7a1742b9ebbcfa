using SkiaSharp;

namespace Lookalike.Imaging;

/// <summary>Why an image could not be loaded.</summary>
public enum ImageProblem
{
    /// <summary>Missing, empty, not a supported format, or truncated.</summary>
    Unreadable,
    /// <summary>Over <see cref="ImageLimits.MaxBytes"/> or <see cref="ImageLimits.MaxPixels"/>.</summary>
    TooLarge,
}
