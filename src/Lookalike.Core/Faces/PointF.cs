using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>A point in pixels (image or aligned-crop coordinates, depending on where it comes from).</summary>
/// <param name="X">Horizontal coordinate, in pixels from the left edge.</param>
/// <param name="Y">Vertical coordinate, in pixels from the top edge.</param>
public readonly record struct PointF(float X, float Y);
