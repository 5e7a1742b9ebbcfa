using Lookalike.Faces;

namespace Lookalike;

/// <summary>A face's box in the JSON output: top-left corner and size in pixels of the input photo, rounded to 0.1 px.</summary>
/// <param name="X">Left edge, pixels.</param>
/// <param name="Y">Top edge, pixels.</param>
/// <param name="Width">Width, pixels.</param>
/// <param name="Height">Height, pixels.</param>
public sealed record BoxJson(double X, double Y, double Width, double Height)
{
    /// <summary>The JSON form of a detected box, rounded to 0.1 px.</summary>
    public static BoxJson From(Box b) => new(Math.Round(b.X, 1), Math.Round(b.Y, 1), Math.Round(b.Width, 1), Math.Round(b.Height, 1));
}
