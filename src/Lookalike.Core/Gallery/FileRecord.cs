using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>The stored state of one file, used to skip unchanged files.</summary>
/// <param name="Sha256">Lower-case hex SHA-256 of the content; empty when there is none (the file could not be read, or timed out).</param>
public sealed record FileRecord(string Path, string Identity, string Sha256, long Size, long MtimeTicks, Outcome Outcome, string? Detail, string Model);
