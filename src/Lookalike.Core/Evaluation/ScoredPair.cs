namespace Lookalike.Evaluation;

/// <summary>A labelled verification score: similarity and whether the two images show the same person.</summary>
public readonly record struct ScoredPair(float Score, bool Same);
