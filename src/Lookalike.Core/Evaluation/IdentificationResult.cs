using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Evaluation;

/// <summary>Closed-set identification results.</summary>
/// <param name="NoFace">Queries without a usable face (counted as misses).</param>
/// <param name="GalleryNoFace">Gallery images without a usable face (left out of the gallery, as indexing would).</param>
/// <param name="Cmc">Cmc[k-1] = fraction of queries whose identity is among the top k identities.</param>
public sealed record IdentificationResult(int Queries, int NoFace, int GalleryImages, int GalleryNoFace, int GalleryIdentities,
    double Rank1, double Rank5, IReadOnlyList<double> Cmc, IReadOnlyList<QueryRank> Ranks);
