using Lookalike.Faces;

namespace Lookalike;

/// <param name="Thumbnail">The aligned face as a JPEG data URL (web answers only).</param>
/// <param name="TrackId">In live mode: the same number while the face stays in view.</param>
public sealed record FaceJson(BoxJson Box, double Score, string Source, double CropScore, double Norm, IReadOnlyList<MatchJson> Matches,
    string? Thumbnail = null, int? TrackId = null);
