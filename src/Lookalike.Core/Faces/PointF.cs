using SkiaSharp;

namespace Lookalike.Faces;

public readonly record struct PointF(float X, float Y);
