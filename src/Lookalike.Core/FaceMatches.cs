using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike;

/// <summary>One face of a query photo with its most similar gallery identities.</summary>
public sealed record FaceMatches(Face Face, IReadOnlyList<IdentityMatch> Matches);
