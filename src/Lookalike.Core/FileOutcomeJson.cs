using Lookalike.Gallery;

namespace Lookalike;

/// <summary>One gallery file's indexing outcome in the JSON output.</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Identity">The identity it was filed under (empty when unlabelled).</param>
/// <param name="Outcome">The outcome's snake_case name (indexed, no_face, multiple_faces, …).</param>
/// <param name="Detail">Why, for outcomes that need it (e.g. the error message); null otherwise.</param>
public sealed record FileOutcomeJson(string Path, string Identity, string Outcome, string? Detail);
