using Lookalike.Faces;

namespace Lookalike;

public sealed record BoxJson(double X, double Y, double Width, double Height)
{
    public static BoxJson From(Box b) => new(Math.Round(b.X, 1), Math.Round(b.Y, 1), Math.Round(b.Width, 1), Math.Round(b.Height, 1));
}
