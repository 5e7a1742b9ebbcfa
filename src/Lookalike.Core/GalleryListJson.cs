namespace Lookalike;

/// <summary>The gallery's contents in the JSON output.</summary>
/// <param name="Identities">Every identity with its counts, by name.</param>
/// <param name="Faces">Total stored faces.</param>
public sealed record GalleryListJson(IReadOnlyList<IdentityJson> Identities, int Faces);
