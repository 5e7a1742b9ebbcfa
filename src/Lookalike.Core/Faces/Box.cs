using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>A face box in image pixels (may extend past the image border).</summary>
public readonly record struct Box(float X, float Y, float Width, float Height)
{
    /// <summary>Right edge in image pixels (<see cref="X"/> + <see cref="Width"/>).</summary>
    public float Right => X + Width;
    /// <summary>Bottom edge in image pixels (<see cref="Y"/> + <see cref="Height"/>).</summary>
    public float Bottom => Y + Height;
    /// <summary>Horizontal centre in image pixels.</summary>
    public float CenterX => X + Width / 2;
    /// <summary>Vertical centre in image pixels.</summary>
    public float CenterY => Y + Height / 2;
    /// <summary>Area in square pixels; 0 when the width or height is negative.</summary>
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    /// <summary>The square with side = this box's height and the same centre (the detector's convention).</summary>
    public Box ToSquare() => new(CenterX - Height / 2, Y, Height, Height);

    /// <summary>The box scaled by <paramref name="factor"/> in both directions about its centre.</summary>
    public Box Scale(float factor) =>
        new(CenterX - Width * factor / 2, CenterY - Height * factor / 2, Width * factor, Height * factor);

    /// <summary>The part of the box inside a <paramref name="width"/> x <paramref name="height"/> image (zero width or height when it lies outside).</summary>
    public Box ClipTo(int width, int height)
    {
        var x1 = Math.Clamp(X, 0, width);
        var y1 = Math.Clamp(Y, 0, height);
        var x2 = Math.Clamp(Right, 0, width);
        var y2 = Math.Clamp(Bottom, 0, height);
        return new(x1, y1, x2 - x1, y2 - y1);
    }

    /// <summary>Intersection over union with <paramref name="other"/>: 0 (disjoint) to 1 (identical).</summary>
    public float IoU(Box other)
    {
        var iw = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        var ih = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (iw <= 0 || ih <= 0) return 0;
        var inter = iw * ih;
        return inter / (Area + other.Area - inter);
    }

    /// <summary>The box as a Skia rectangle (left, top, right, bottom).</summary>
    public SKRect ToRect() => new(X, Y, Right, Bottom);
}
