using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>One stored gallery face as the search needs it.</summary>
public sealed record StoredFace(long Id, string Identity, string Path, float[] Embedding);
