using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>The stored state of one file, used to skip unchanged files.</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Identity">The identity it is filed under (empty when unlabelled).</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the content; empty when there is none (the file could not be read, or timed out).</param>
/// <param name="Size">File length in bytes.</param>
/// <param name="MtimeTicks">Last write time (UTC) in .NET ticks.</param>
/// <param name="Outcome">What indexing it gave.</param>
/// <param name="Detail">Why, for outcomes that need it (e.g. the error message, the face count); null otherwise.</param>
/// <param name="Model">The embedding model it was indexed with; a different model re-indexes it.</param>
public sealed record FileRecord(string Path, string Identity, string Sha256, long Size, long MtimeTicks, Outcome Outcome, string? Detail, string Model);
