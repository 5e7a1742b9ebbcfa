namespace Lookalike.Web;

/// <summary>One followed face in a live answer.</summary>
/// <param name="TrackId">The same number while the face stays in view.</param>
/// <param name="Box">The face's square in this frame, in pixels.</param>
/// <param name="Score">The detector's face probability in this frame.</param>
/// <param name="Label">The face's steady name (it changes only when another identity wins clearly 3 recognitions in a row); null until first recognised.</param>
/// <param name="Matches">The last recognition's identities, best first, with the match API's fields (likeness, probability, same...); empty until first recognised.</param>
/// <param name="Recognized">True when this frame's answer is the first since a new recognition of this face.</param>
internal sealed record LiveFaceJson(int TrackId, BoxJson Box, double Score, string? Label, IReadOnlyList<MatchJson> Matches, bool Recognized);
