using System.Numerics.Tensors;
using Lookalike.Faces;

namespace Lookalike;

/// <summary>Same-or-different decisions on two faces.</summary>
public static class Verification
{
    /// <summary>
    /// Cosine at or above which the stock model calls two faces the same person, tuned on shared/data lfw-gray. Every
    /// model's verdict (the default fusion's too) is where its own curve reaches the stock curve's probability here:
    /// <see cref="Calibration.Threshold"/>.
    /// </summary>
    public const float Threshold = 0.43f;

    /// <summary>Cosine similarity of two faces' embeddings, in [-1, 1]; compared with the model's <see cref="Calibration.Threshold"/> for the verdict.</summary>
    public static float Similarity(Face a, Face b) => Similarity(a.Embedding, b.Embedding);

    /// <summary>Cosine of two L2-normalised embeddings.</summary>
    public static float Similarity(ReadOnlySpan<float> a, ReadOnlySpan<float> b) => TensorPrimitives.Dot(a, b);
}
