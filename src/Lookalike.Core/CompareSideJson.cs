using Lookalike.Faces;

namespace Lookalike;

public sealed record CompareSideJson(string? Path, BoxJson Box);
