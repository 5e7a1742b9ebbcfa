namespace Lookalike.Evaluation;

/// <summary>A verification pair: two image paths and whether they show the same person.</summary>
public readonly record struct ImagePair(string A, string B, bool Same);
