namespace Lookalike;

/// <summary>One gallery identity matched to a face, in the JSON output.</summary>
/// <param name="Identity">The identity's name.</param>
/// <param name="Similarity">The identity score: mean cosine of its best few faces (<see cref="Search.IdentityMatch.Similarity"/>), rounded to 4 places.</param>
/// <param name="BestSimilarity">Cosine of its single most similar face, rounded to 4 places.</param>
/// <param name="Probability">Open-set probability that the face is this identity, given every identity's score, the gallery's
/// size and the <c>prior</c> that the person is in the gallery (see OpenSetProbability).</param>
/// <param name="Same">The verdict: <see cref="Probability"/> at or above <see cref="OpenSetProbability.SameAt"/> (0.5).</param>
/// <param name="GalleryFaces">How many faces the identity has in the gallery.</param>
/// <param name="BestFaceId">Store id of its most similar face (for its thumbnail).</param>
/// <param name="BestFacePath">Source photo of that face.</param>
/// <param name="Likeness">Share of reference different-person pairs less similar than the best face (see LikenessTable); null when the model has no reference.</param>
public sealed record MatchJson(string Identity, double Similarity, double BestSimilarity, double Probability, bool Same, int GalleryFaces, long BestFaceId, string BestFacePath,
    double? Likeness = null);
