using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>A face followed across video frames.</summary>
/// <param name="Id">Stable while the face stays in view.</param>
/// <param name="Fresh">True when this frame computed its embedding (a new face, a moved or resized one, or a periodic refresh).</param>
/// <param name="Box">The face's square in this frame, clipped to the frame, in pixels.</param>
/// <param name="Face">The face as last described (this frame's when <paramref name="Fresh"/>, else an earlier frame's embedding).</param>
public sealed record TrackedFace(int Id, Box Box, Face Face, bool Fresh);
