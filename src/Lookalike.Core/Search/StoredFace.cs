namespace Lookalike.Search;

/// <summary>One gallery face as the search needs it: its store id, identity, source path and L2-normalised embedding.</summary>
public sealed record StoredFace(long Id, string Identity, string Path, float[] Embedding);
