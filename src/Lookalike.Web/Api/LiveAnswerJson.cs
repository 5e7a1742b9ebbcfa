namespace Lookalike.Web;

/// <summary>The live WebSocket's answer to one frame (<c>type</c> = <c>frame</c>).</summary>
/// <param name="Type">Always <c>frame</c>.</param>
/// <param name="Seq">The frame's number: the count of messages the client sent on this socket, from 1.</param>
/// <param name="Width">The frame's width in pixels.</param>
/// <param name="Height">The frame's height in pixels.</param>
/// <param name="Faces">The followed faces, largest first (at most 5).</param>
/// <param name="ServerMs">Time from the frame's arrival to this answer, in the server (waiting for a slot included).</param>
/// <param name="Recognitions">Faces recognised on this socket so far.</param>
/// <param name="Dropped">Frames dropped so far because a newer one arrived first.</param>
/// <param name="Gallery">How many faces and identities the recognitions search.</param>
internal sealed record LiveAnswerJson(string Type, long Seq, int Width, int Height, IReadOnlyList<LiveFaceJson> Faces, double ServerMs,
    long Recognitions, long Dropped, GallerySizeJson Gallery);
