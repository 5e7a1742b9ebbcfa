namespace Lookalike.Search;

/// <summary>
/// Finds a query face's most similar gallery identities. <see cref="FaceIndex"/> scans every face in memory (exact);
/// the PostgreSQL store (Gallery.PostgresGalleryStore) asks pgvector's HNSW index for candidates, then scores them exactly.
/// </summary>
public interface IFaceSearch
{
    int Count { get; }
    int IdentityCount { get; }

    /// <summary>The <paramref name="top"/> most similar identities, best first, scored as the mean of each one's best faces.</summary>
    IReadOnlyList<IdentityMatch> Search(ReadOnlySpan<float> query, int top = 5);
}
