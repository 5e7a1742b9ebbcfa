using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Lookalike.Search;

/// <summary>One identity's score for a query.</summary>
/// <param name="Identity">The identity's name.</param>
/// <param name="Similarity">The identity score: mean of the cosines of its best <see cref="FaceIndex.FacesPerIdentity"/> faces.</param>
/// <param name="BestSimilarity">Cosine of its single most similar face.</param>
/// <param name="BestFaceId">Store id of that face (for its thumbnail).</param>
/// <param name="BestFacePath">Source photo of that face.</param>
/// <param name="Faces">How many faces the identity has in the gallery.</param>
public sealed record IdentityMatch(string Identity, float Similarity, float BestSimilarity, long BestFaceId, string BestFacePath, int Faces);
