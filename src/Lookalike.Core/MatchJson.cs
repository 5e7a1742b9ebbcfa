namespace Lookalike;

/// <param name="Probability">Open-set probability that the face is this identity, given every identity's score, the gallery's
/// size and the <c>prior</c> that the person is in the gallery (see OpenSetProbability).</param>
/// <param name="Same">The verdict: <see cref="Probability"/> at or above <see cref="OpenSetProbability.SameAt"/> (0.5).</param>
/// <param name="Likeness">Share of reference different-person pairs less similar than the best face (see LikenessTable); null when the model has no reference.</param>
public sealed record MatchJson(string Identity, double Similarity, double BestSimilarity, double Probability, bool Same, int GalleryFaces, long BestFaceId, string BestFacePath,
    double? Likeness = null);
