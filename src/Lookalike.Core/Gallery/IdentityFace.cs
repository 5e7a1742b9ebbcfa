using Lookalike.Faces;

namespace Lookalike.Gallery;

/// <summary>One stored face of an identity: its id, source path, box, how it was found and whether the photo had several faces.</summary>
public sealed record IdentityFace(long Id, string Path, Box Box, FaceSource Source, bool Several);
