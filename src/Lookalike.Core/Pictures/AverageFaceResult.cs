using System.Numerics.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>An average (or blended) face: the picture, its landmark shape and the embeddings of the faces in it.</summary>
public sealed record AverageFaceResult(SKBitmap Image, PointF[] Shape, int Faces, IReadOnlyList<float[]> Embeddings) : IDisposable
{
    /// <summary>Side of the square picture in pixels.</summary>
    public int Size => Image.Width;

    /// <summary>Disposes <see cref="Image"/>.</summary>
    public void Dispose() => Image.Dispose();
}
