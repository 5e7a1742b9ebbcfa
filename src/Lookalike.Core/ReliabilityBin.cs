using System.Globalization;
using Lookalike.Evaluation;

namespace Lookalike;

/// <summary>One bin of a reliability diagram: pairs whose predicted probability fell in [Low, High).</summary>
public readonly record struct ReliabilityBin(double Low, double High, int Count, double MeanProbability, double Observed);
