using Lookalike.Faces;

namespace Lookalike;

/// <summary>One face found in a photo, with its matches, in the JSON output.</summary>
/// <param name="Box">Where the face is in the photo, in pixels.</param>
/// <param name="Score">Detector face probability (0–1).</param>
/// <param name="Source">How the face was found: <c>primary</c>, <c>framefilling</c> or <c>padded</c> (<see cref="Faces.FaceSource"/>, lower-case).</param>
/// <param name="CropScore">Detector score on the aligned crop, the "is it a face" check (see <see cref="Faces.Face.CropScore"/>).</param>
/// <param name="Norm">L2 norm of the raw embedding (low on non-faces).</param>
/// <param name="Quality">How usable the face is for recognition, 0–1 (<see cref="Faces.FaceQuality"/>); below 0.1 the answer is unreliable; null when not measured.</param>
/// <param name="Matches">The gallery identities most like this face, best first.</param>
/// <param name="Thumbnail">The aligned face as a JPEG data URL (web answers only).</param>
/// <param name="TrackId">In live mode: the same number while the face stays in view.</param>
public sealed record FaceJson(BoxJson Box, double Score, string Source, double CropScore, double Norm, double? Quality, IReadOnlyList<MatchJson> Matches,
    string? Thumbnail = null, int? TrackId = null);
