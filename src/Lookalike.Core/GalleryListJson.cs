namespace Lookalike;

public sealed record GalleryListJson(IReadOnlyList<IdentityJson> Identities, int Faces);
