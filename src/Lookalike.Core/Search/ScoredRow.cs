namespace Lookalike.Search;

/// <summary>A row of a <see cref="QuantizedIndex"/> and its score for a query (approximate or exact cosine).</summary>
public readonly record struct ScoredRow(int Row, float Score);
