using System.Numerics.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// One face ready to be averaged: the photo warped by its five points onto the average template (transparent where
/// the photo ends), its 68 landmarks in that square, and the embedding of the original face.
/// </summary>
public sealed record AlignedFace(SKBitmap Image, PointF[] Landmarks, float[] Embedding) : IDisposable
{
    /// <summary>Disposes <see cref="Image"/>.</summary>
    public void Dispose() => Image.Dispose();
}
