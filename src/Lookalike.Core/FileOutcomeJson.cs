using Lookalike.Gallery;

namespace Lookalike;

public sealed record FileOutcomeJson(string Path, string Identity, string Outcome, string? Detail);
