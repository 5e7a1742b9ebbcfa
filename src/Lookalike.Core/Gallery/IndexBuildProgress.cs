namespace Lookalike.Gallery;

/// <summary>Progress of building a gallery's search index: rows read so far of <paramref name="Total"/>.</summary>
public readonly record struct IndexBuildProgress(int Rows, int Total);
