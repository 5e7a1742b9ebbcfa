using Lookalike.Faces;

namespace Lookalike;

/// <summary>One side of a comparison in the JSON output.</summary>
/// <param name="Path">The photo's path (or upload name); null when it has none.</param>
/// <param name="Box">The face used from that photo.</param>
/// <param name="Quality">How usable that face is for recognition, 0–1 (<see cref="Faces.FaceQuality"/>); null when not measured.</param>
public sealed record CompareSideJson(string? Path, BoxJson Box, double? Quality);
