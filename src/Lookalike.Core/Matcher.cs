using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike;

/// <summary>The gallery loaded for matching: the store (for thumbnails) and the in-memory index.</summary>
/// <param name="pipeline">The face pipeline; its model id and embedding width pick the gallery's faces.</param>
/// <param name="store">The gallery; the matcher owns it and disposes it.</param>
/// <param name="progress">Reports the search index being built, when the gallery's is missing or stale.</param>
public sealed class Matcher(FacePipeline pipeline, IGalleryStore store, IProgress<IndexBuildProgress>? progress = null) : IDisposable
{
    /// <summary>The search over the gallery's embeddings for the pipeline's model.</summary>
    public IFaceSearch Index { get; } = GallerySearch.Open(store, pipeline.ModelId, pipeline.Dimension, progress);
    /// <summary>The gallery store (thumbnails, file lists).</summary>
    public IGalleryStore Store => store;

    /// <summary>Every face in the photo, largest first, each with its top-<paramref name="top"/> identities.</summary>
    public IReadOnlyList<FaceMatches> Match(FaceAnalysis analysis, int top = 5) =>
        [.. analysis.Faces.Select(f => new FaceMatches(f, Index.Search(f.Embedding, top)))];

    /// <summary>Disposes the search and the store.</summary>
    public void Dispose()
    {
        (Index as IDisposable)?.Dispose();
        store.Dispose();
    }
}
