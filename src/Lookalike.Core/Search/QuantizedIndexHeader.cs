namespace Lookalike.Search;

/// <summary>What a <see cref="QuantizedIndexFile"/> was built from, to tell whether it still describes its gallery.</summary>
/// <param name="Dimension">Embedding width (values per row).</param>
/// <param name="Model">The embedder whose vectors it holds.</param>
/// <param name="Gallery">The identity of the gallery it was built from (a new gallery file gets a new one).</param>
/// <param name="ChangeSeq">The last gallery change it includes (the gallery's change counter at build time).</param>
/// <param name="Rows">Rows in the file.</param>
public sealed record QuantizedIndexHeader(int Dimension, string Model, Guid Gallery, long ChangeSeq, int Rows);
