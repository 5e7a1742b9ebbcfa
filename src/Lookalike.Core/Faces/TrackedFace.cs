using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>A face followed across video frames.</summary>
/// <param name="Id">Stable while the face stays in view.</param>
/// <param name="Fresh">True when this frame computed its embedding (a new face, a moved or resized one, or a periodic refresh).</param>
public sealed record TrackedFace(int Id, Box Box, Face Face, bool Fresh);
