namespace Lookalike;

public sealed record GallerySizeJson(int Faces, int Identities);
