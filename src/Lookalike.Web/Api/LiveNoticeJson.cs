namespace Lookalike.Web;

/// <summary>The live WebSocket's answer to a frame it did not analyse.</summary>
/// <param name="Type"><c>dropped</c> (a newer frame arrived before this one's turn) or <c>error</c> (not an image, too large, not binary).</param>
/// <param name="Seq">The frame's number: the count of messages the client sent on this socket, from 1.</param>
/// <param name="Error">Why, for <c>error</c>; null for <c>dropped</c>.</param>
internal sealed record LiveNoticeJson(string Type, long Seq, string? Error);
