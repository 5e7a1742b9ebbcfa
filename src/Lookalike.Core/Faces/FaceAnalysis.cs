using System.Numerics.Tensors;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Faces found in one image, largest first, plus how many were dropped as too small.</summary>
public sealed record FaceAnalysis(int Width, int Height, IReadOnlyList<Face> Faces, int TooSmall)
{
    /// <summary>The largest face, or null when no face was found.</summary>
    public Face? Largest => Faces.Count > 0 ? Faces[0] : null;
}
