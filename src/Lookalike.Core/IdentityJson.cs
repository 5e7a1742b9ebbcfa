namespace Lookalike;

/// <param name="FaceId">One of its faces (for a thumbnail), null when it has none.</param>
public sealed record IdentityJson(string Identity, int Faces, int Files, long? FaceId);
