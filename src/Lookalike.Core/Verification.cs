using System.Numerics.Tensors;
using Lookalike.Faces;

namespace Lookalike;

/// <summary>Same-or-different decisions on two faces.</summary>
public static class Verification
{
    /// <summary>
    /// Cosine at or above which two faces are called the same person. Measured on shared/data lfw-gray (all
    /// 282,376 pairs): see README "Accuracy" for the false accept rate it gives.
    /// </summary>
    public const float Threshold = 0.43f;

    /// <summary>Cosine similarity of two faces' embeddings, in [-1, 1]; at or above <see cref="Threshold"/> reads "same person" by default.</summary>
    public static float Similarity(Face a, Face b) => Similarity(a.Embedding, b.Embedding);

    /// <summary>Cosine of two L2-normalised embeddings.</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);
}
