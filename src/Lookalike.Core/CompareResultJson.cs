namespace Lookalike;

/// <summary>The JSON answer of `lookalike compare --json` and the compare API.</summary>
/// <param name="Similarity">Cosine similarity of the two faces' embeddings, in [-1, 1], rounded to 4 places.</param>
/// <param name="Probability">Probability (0–1) that the two photos show the same person, from the calibration (and <see cref="Prior"/> when given).</param>
/// <param name="Same">The verdict "same person": without a prior, the similarity at or above <see cref="Threshold"/>; with one, <see cref="Probability"/> at or above the calibration's verdict probability.</param>
/// <param name="Threshold">The calibration's "same person" cosine (<see cref="Calibration.Threshold"/>).</param>
/// <param name="A">The first photo and the face used from it.</param>
/// <param name="B">The second photo and the face used from it.</param>
/// <param name="Likeness">Share of reference different-person pairs less similar than this pair; null when the model has no reference.</param>
/// <param name="Prior">The prior of "same" given with --prior; null: the calibration's own (its fitting pairs' share).</param>
public sealed record CompareResultJson(double Similarity, double Probability, bool Same, double Threshold, CompareSideJson A, CompareSideJson B,
    double? Likeness = null, double? Prior = null);
