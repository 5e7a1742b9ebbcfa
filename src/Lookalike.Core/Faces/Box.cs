using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>A face box in image pixels (may extend past the image border).</summary>
public readonly record struct Box(float X, float Y, float Width, float Height)
{
    public float Right => X + Width;
    public float Bottom => Y + Height;
    public float CenterX => X + Width / 2;
    public float CenterY => Y + Height / 2;
    public float Area => Math.Max(0, Width) * Math.Max(0, Height);

    /// <summary>The square with side = this box's height and the same centre (the detector's convention).</summary>
    public Box ToSquare() => new(CenterX - Height / 2, Y, Height, Height);

    public Box Scale(float factor) =>
        new(CenterX - Width * factor / 2, CenterY - Height * factor / 2, Width * factor, Height * factor);

    public Box ClipTo(int width, int height)
    {
        var x1 = Math.Clamp(X, 0, width);
        var y1 = Math.Clamp(Y, 0, height);
        var x2 = Math.Clamp(Right, 0, width);
        var y2 = Math.Clamp(Bottom, 0, height);
        return new(x1, y1, x2 - x1, y2 - y1);
    }

    public float IoU(Box other)
    {
        var iw = Math.Min(Right, other.Right) - Math.Max(X, other.X);
        var ih = Math.Min(Bottom, other.Bottom) - Math.Max(Y, other.Y);
        if (iw <= 0 || ih <= 0) return 0;
        var inter = iw * ih;
        return inter / (Area + other.Area - inter);
    }

    public SKRect ToRect() => new(X, Y, Right, Bottom);
}
