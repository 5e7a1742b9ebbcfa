namespace Lookalike;

/// <summary>The JSON answer of `lookalike match --json` and the match API: every face in the photo with its matches.</summary>
/// <param name="Photo">The photo's path (or upload name); null when it has none.</param>
/// <param name="Width">The photo's width in pixels.</param>
/// <param name="Height">The photo's height in pixels.</param>
/// <param name="Gallery">How many faces and identities were searched.</param>
/// <param name="Threshold">The calibration's "same person" cosine (<see cref="Calibration.Threshold"/>).</param>
/// <param name="Faces">Every usable face, largest first; empty when there is none (see <see cref="Reason"/>).</param>
/// <param name="Reason">Why the list of faces is empty, when it is.</param>
/// <param name="Prior">The open-set prior used: the probability, before looking, that the person is in the gallery.</param>
public sealed record MatchResultJson(string? Photo, int Width, int Height, GallerySizeJson Gallery, double Threshold, IReadOnlyList<FaceJson> Faces, string? Reason,
    double Prior = OpenSetProbability.DefaultPrior);
