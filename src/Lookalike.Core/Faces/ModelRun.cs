namespace Lookalike.Faces;

/// <summary>One model run recorded by a <see cref="ModelRunTrace"/>.</summary>
/// <param name="Kind">What the run was for: <see cref="ModelRunTrace.DetectOnImage"/>, <see cref="ModelRunTrace.DetectOnCanvas"/>,
/// <see cref="ModelRunTrace.FaceCheck"/>, <see cref="ModelRunTrace.Landmarks"/> or <see cref="ModelRunTrace.Embedding"/>.</param>
/// <param name="Milliseconds">Wall-clock time of the run, input tensor in and outputs copied out.</param>
public readonly record struct ModelRun(string Kind, double Milliseconds);
