using SkiaSharp;

namespace Lookalike.Imaging;

/// <summary>Why an image could not be loaded.</summary>
public enum ImageProblem
{
    Unreadable,
    TooLarge,
}
