using System.Numerics.Tensors;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// How well the average face is still recognised as its person. Scores use the gallery's identity score (mean of an
/// identity's best 3 cosines, as `match` ranks people), so "own" and "best other" are comparable.
/// </summary>
/// <param name="FaceFound">Whether the pipeline finds a face in the average picture at all.</param>
/// <param name="MeanToAveraged">Mean cosine between the average and the faces that went into it.</param>
/// <param name="Identity">The person the average should be (null for an arbitrary folder).</param>
/// <param name="OwnScore">The gallery's score for <paramref name="Identity"/> (null without a gallery or identity).</param>
/// <param name="BestOther">The best-scoring other identity in the gallery, and its score.</param>
/// <param name="Rank">Rank of <paramref name="Identity"/> among all gallery identities (1 = recognised).</param>
/// <param name="Top">The gallery's best identities for the average face.</param>
/// <param name="BestOtherScore">The gallery's score for <paramref name="BestOther"/> (null when there is none).</param>
public sealed record AverageRecognition(
    bool FaceFound, double? MeanToAveraged, string? Identity, double? OwnScore, string? BestOther, double? BestOtherScore, int? Rank,
    IReadOnlyList<IdentityMatch> Top);
