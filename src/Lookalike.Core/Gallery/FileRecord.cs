using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>The stored state of one file, used to skip unchanged files.</summary>
public sealed record FileRecord(string Path, string Identity, string Sha256, long Size, long MtimeTicks, Outcome Outcome, string? Detail, string Model);
