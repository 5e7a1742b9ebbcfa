using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Evaluation;

/// <summary>Closed-set identification results.</summary>
/// <param name="NoFace">Queries without a usable face (counted as misses).</param>
/// <param name="GalleryNoFace">Gallery images without a usable face (left out of the gallery, as indexing would).</param>
/// <param name="Cmc">Cmc[k-1] = fraction of queries whose identity is among the top k identities.</param>
/// <param name="Queries">Number of query images.</param>
/// <param name="GalleryImages">Number of gallery images (including those without a face).</param>
/// <param name="GalleryIdentities">Number of distinct identities in the built gallery.</param>
/// <param name="Rank1">Fraction of queries (0–1) whose identity ranked first; NaN when there are no queries.</param>
/// <param name="Rank5">Fraction of queries (0–1) whose identity is in the top 5 (top all, when there are fewer identities).</param>
/// <param name="Ranks">Each query's rank of its true identity (1-based; 0 when not found).</param>
public sealed record IdentificationResult(int Queries, int NoFace, int GalleryImages, int GalleryNoFace, int GalleryIdentities,
    double Rank1, double Rank5, IReadOnlyList<double> Cmc, IReadOnlyList<QueryRank> Ranks);
