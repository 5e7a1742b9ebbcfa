namespace Lookalike;

/// <summary>One gallery identity in the JSON output.</summary>
/// <param name="Identity">The identity's name (its folder name).</param>
/// <param name="Faces">Faces stored for it.</param>
/// <param name="Files">Files filed under it, whatever their outcome.</param>
/// <param name="FaceId">One of its faces (for a thumbnail), null when it has none.</param>
public sealed record IdentityJson(string Identity, int Faces, int Files, long? FaceId);
