namespace Lookalike;

/// <summary>How big the searched gallery is.</summary>
/// <param name="Faces">Searchable faces.</param>
/// <param name="Identities">Identities they belong to.</param>
public sealed record GallerySizeJson(int Faces, int Identities);
