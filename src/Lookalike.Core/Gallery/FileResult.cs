using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>A file's result ready to be written: its record and the face kept for the gallery (if any).</summary>
public sealed record FileResult(FileRecord File, Face? Face);
