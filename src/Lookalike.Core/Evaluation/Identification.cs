using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Evaluation;

/// <summary>
/// Rank-k identification with the same per-identity score as `lookalike match` (a <see cref="FaceIndex"/> built from
/// the gallery's faces), so the numbers describe what users get.
/// </summary>
public static class Identification
{
    /// <summary>
    /// Builds an index from the gallery images that have a face and ranks every query's true identity among all gallery
    /// identities. A query without a face, or whose identity is not in the gallery, gets rank 0 and counts as a miss at every k.
    /// </summary>
    /// <param name="gallery">The enrolled images with their identities.</param>
    /// <param name="queries">The probe images with their true identities (closed set: each should be in the gallery).</param>
    /// <param name="embeddings">Precomputed embeddings of all gallery and query images.</param>
    public static IdentificationResult Evaluate(IReadOnlyList<LabelledImage> gallery, IReadOnlyList<LabelledImage> queries, ImageEmbeddings embeddings)
    {
        var faces = new List<StoredFace>();
        foreach (var g in gallery)
            if (embeddings[g.Path] is { } e) faces.Add(new StoredFace(faces.Count, g.Identity, g.Path, e));
        var dimension = faces.Count > 0 ? faces[0].Embedding.Length : 512;
        var index = new FaceIndex(faces, dimension);
        var ranks = new List<QueryRank>(queries.Count);
        foreach (var q in queries)
        {
            var rank = 0;
            if (embeddings[q.Path] is { } e && index.IdentityCount > 0)
            {
                var order = index.Search(e, index.IdentityCount);
                for (var i = 0; i < order.Count; i++)
                    if (order[i].Identity == q.Identity) { rank = i + 1; break; }
            }
            ranks.Add(new QueryRank(q.Path, q.Identity, rank));
        }
        var cmc = new double[Math.Max(1, index.IdentityCount)];
        for (var k = 1; k <= cmc.Length; k++)
            cmc[k - 1] = queries.Count == 0 ? double.NaN : ranks.Count(r => r.Rank >= 1 && r.Rank <= k) / (double)queries.Count;
        return new IdentificationResult(queries.Count, queries.Count(q => embeddings[q.Path] is null), gallery.Count,
            gallery.Count(g => embeddings[g.Path] is null), index.IdentityCount,
            cmc[0], cmc[Math.Min(4, cmc.Length - 1)], cmc, ranks);
    }
}
