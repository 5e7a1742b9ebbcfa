using System.Numerics.Tensors;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>How much work one analysis does beyond finding and embedding the faces.</summary>
/// <param name="DecodeLongSide">JPEGs are decoded at 1/2, 1/4 or 1/8 scale while their long side stays at least this (0: full size).</param>
/// <param name="CropScores">Run the crop check on every face to report its score, even where the embedding norm alone accepts the face.</param>
public sealed record AnalyzeOptions(int DecodeLongSide = 0, bool CropScores = true)
{
    /// <summary>Full-size decode, every score reported: what match, compare and the web app use.</summary>
    public static readonly AnalyzeOptions Full = new();

    /// <summary>
    /// Gallery indexing: decode JPEGs down to a 640 px long side and skip crop scores nobody reads. Measured on the
    /// deepface-pairs photos: embeddings of the reduced decode have cosine ≥ 0.99 to the full-size ones (bench).
    /// </summary>
    public static readonly AnalyzeOptions Indexing = new(DecodeLongSide: 640, CropScores: false);
}
