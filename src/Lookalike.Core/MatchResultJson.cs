namespace Lookalike;

/// <param name="Reason">Why the list of faces is empty, when it is.</param>
/// <param name="Prior">The open-set prior used: the probability, before looking, that the person is in the gallery.</param>
public sealed record MatchResultJson(string? Photo, int Width, int Height, GallerySizeJson Gallery, double Threshold, IReadOnlyList<FaceJson> Faces, string? Reason,
    double Prior = OpenSetProbability.DefaultPrior);
