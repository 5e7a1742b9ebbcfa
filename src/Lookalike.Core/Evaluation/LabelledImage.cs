using Lookalike.Gallery;

namespace Lookalike.Evaluation;

/// <summary>An image and the identity it shows.</summary>
public readonly record struct LabelledImage(string Path, string Identity);
