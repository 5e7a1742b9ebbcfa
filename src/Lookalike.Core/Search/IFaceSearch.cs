namespace Lookalike.Search;

/// <summary>
/// Finds a query face's most similar gallery identities. <see cref="FaceIndex"/> scans every face in memory (exact);
/// the PostgreSQL store (Gallery.PostgresGalleryStore) asks pgvector's HNSW index for candidates, then scores them exactly.
/// </summary>
public interface IFaceSearch
{
    /// <summary>Faces searched.</summary>
    int Count { get; }
    /// <summary>Identities those faces belong to.</summary>
    int IdentityCount { get; }

    /// <summary>The <paramref name="top"/> most similar identities, best first, scored as the mean of each one's best faces.</summary>
    IReadOnlyList<IdentityMatch> Search(ReadOnlySpan<float> query, int top = 5);

    /// <summary>
    /// Brings the search up to date with changes its gallery received since (from this process or another); true
    /// when anything changed. Cheap when nothing did. Searches that read their gallery at every query return false.
    /// </summary>
    bool Refresh() => false;
}
