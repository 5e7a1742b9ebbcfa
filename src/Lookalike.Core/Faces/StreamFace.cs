namespace Lookalike.Faces;

/// <summary>A face followed by <see cref="StreamTracker"/> in one frame.</summary>
/// <param name="Id">The track's number, stable while the face stays in view.</param>
/// <param name="Box">The face's square in this frame, clipped to the frame, in pixels.</param>
/// <param name="Detection">The detector's raw box and score in this frame (what recognition describes).</param>
/// <param name="Label">The track's steady name (<see cref="LabelHysteresis"/>); null until first recognised.</param>
/// <param name="RecognitionDue">True when this face should be recognised now: a new track, one not named yet, or one last recognised <see cref="StreamTracker.RecognizeEvery"/> frames ago.</param>
public sealed record StreamFace(int Id, Box Box, Detection Detection, string? Label, bool RecognitionDue);
