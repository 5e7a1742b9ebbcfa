using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>
/// Builds the search over a gallery's faces: the loader between a store and <see cref="Search"/>, which knows
/// nothing of stores. SQLite: an in-memory index of its embeddings; PostgreSQL: pgvector's index in the server.
/// </summary>
public static class GallerySearch
{
    /// <summary>A search over the faces of <paramref name="model"/> in <paramref name="store"/> as they are now.</summary>
    public static IFaceSearch Open(IGalleryStore store, string model, int dimension)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store is PostgresGalleryStore postgres ? postgres.Search(model, dimension) : new FaceIndex(store.Faces(model), dimension);
    }
}
