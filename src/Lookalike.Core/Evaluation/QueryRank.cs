using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Evaluation;

/// <summary>Where a query's true identity came in the ranking; 0 when it did not (no face, or identity not in the gallery).</summary>
public readonly record struct QueryRank(string Path, string Identity, int Rank);
