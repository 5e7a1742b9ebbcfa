using System.Numerics.Tensors;
using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// Per-pixel contribution of an aligned 112x112 face to its similarity with a reference embedding: positive where
/// the region raises the similarity (hiding it lowers the score), negative where it lowers it.
/// </summary>
public sealed record SimilarityMap(float BaseSimilarity, float[] Values, int Size, ExplainMethod Method)
{
    /// <summary>The contribution at pixel (<paramref name="x"/>, <paramref name="y"/>) of the aligned face.</summary>
    public float this[int x, int y] => Values[y * Size + x];
    /// <summary>The largest absolute contribution (0 for an empty map): the colour scale's range.</summary>
    public float MaxAbs => Values.Length == 0 ? 0 : Math.Max(Math.Abs(Values.Max()), Math.Abs(Values.Min()));

    /// <summary>Mean contribution over a rectangle of the aligned face (template pixels).</summary>
    public float MeanOver(SKRectI r)
    {
        double sum = 0;
        var n = 0;
        for (var y = Math.Max(0, r.Top); y < Math.Min(Size, r.Bottom); y++)
            for (var x = Math.Max(0, r.Left); x < Math.Min(Size, r.Right); x++) { sum += this[x, y]; n++; }
        return n == 0 ? 0 : (float)(sum / n);
    }
}
