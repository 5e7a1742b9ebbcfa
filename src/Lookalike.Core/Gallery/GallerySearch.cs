using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>
/// Builds the search over a gallery's faces: the loader between a store and <see cref="Search"/>, which knows
/// nothing of stores. SQLite: the int8 index persisted beside the database file, opened from its file (rebuilt
/// when missing or stale) and re-ranked with the float embeddings; PostgreSQL: pgvector's index in the server.
/// The same search serves every command and the web app.
/// </summary>
public static class GallerySearch
{
    /// <summary>
    /// A search over the faces of <paramref name="model"/> in <paramref name="store"/> as they are now; it follows later
    /// changes through <see cref="IFaceSearch.Refresh"/>. Dispose it (it may hold a connection of its own) when it is <see cref="IDisposable"/>.
    /// </summary>
    /// <param name="store">The gallery to search.</param>
    /// <param name="model">The embedding model id whose faces are searched.</param>
    /// <param name="dimension">That model's embedding width.</param>
    /// <param name="progress">Reports rows read while the persisted index is (re)built.</param>
    public static IFaceSearch Open(IGalleryStore store, string model, int dimension, IProgress<IndexBuildProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        return store switch
        {
            PostgresGalleryStore postgres => postgres.Search(model, dimension),
            SqliteGalleryStore sqlite => SqliteFaceSearch.Open(sqlite, model, dimension, progress),
            _ => new FaceIndex(store.Faces(model), dimension),
        };
    }
}
