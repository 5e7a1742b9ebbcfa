using System.Globalization;
using System.Net;
using System.Numerics.Tensors;
using System.Text;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>How well a 2-D layout keeps the embedding space's structure.</summary>
/// <param name="Preservation">Mean fraction of each point's 10 nearest neighbours (cosine, full space) still among its 10 nearest in 2-D.</param>
/// <param name="KnnAccuracy">Fraction of points whose 5 nearest 2-D neighbours vote for their own identity.</param>
public sealed record MapQuality(double Preservation, double KnnAccuracy);
