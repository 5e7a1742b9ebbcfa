namespace Lookalike.Gallery;

/// <summary>One identity of a gallery: its face and file counts and one face id (for a thumbnail), null when it has no face.</summary>
public sealed record IdentitySummary(string Identity, int Faces, int Files, long? FaceId);
