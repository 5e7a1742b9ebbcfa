using System.Numerics.Tensors;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// Two embedders as one (<see cref="Models.FusedModel"/>): the raw output is [√w·a, √(1−w)·b]·|a_raw| for the unit
/// embeddings a and b of the two models, so its unit vector's cosine is w·cos_a + (1−w)·cos_b and its norm is the
/// first model's raw norm (the one the face check reads).
/// </summary>
public sealed class FusedEmbedder : IFaceEmbedder
{
    private readonly float _first, _second;

    /// <param name="first">The first model (its raw norm is kept).</param>
    /// <param name="second">The second model.</param>
    /// <param name="weight">w, the first model's share of the cosine, in [0, 1].</param>
    /// <param name="modelId">The fused id.</param>
    public FusedEmbedder(FaceEmbedder first, FaceEmbedder second, double weight, string modelId)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        if (!(weight is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(weight), "the weight is in [0, 1]");
        First = first;
        Second = second;
        _first = (float)Math.Sqrt(weight);
        _second = (float)Math.Sqrt(1 - weight);
        ModelId = modelId;
    }

    /// <summary>The first model.</summary>
    public FaceEmbedder First { get; }

    /// <summary>The second model.</summary>
    public FaceEmbedder Second { get; }

    /// <inheritdoc/>
    public string ModelId { get; }

    /// <inheritdoc/>
    public int Dimension => First.Dimension + Second.Dimension;

    /// <inheritdoc/>
    /// <remarks>Both models get the 112x112 ArcFace crop (a model with its own crop warps it onto its template).</remarks>
    public float[] Embed(SKBitmap aligned, CancellationToken cancellation = default) => Embed(aligned, aligned, cancellation);

    /// <summary>The fused raw vector from each model's own crop.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    public float[] Embed(SKBitmap firstCrop, SKBitmap secondCrop, CancellationToken cancellation = default)
    {
        var a = First.Embed(firstCrop, cancellation);
        var b = Second.Embed(secondCrop, cancellation);
        var na = Math.Max(TensorPrimitives.Norm(a), 1e-12f);
        var nb = Math.Max(TensorPrimitives.Norm(b), 1e-12f);
        var fused = new float[a.Length + b.Length];
        TensorPrimitives.Multiply(a, _first, fused.AsSpan(0, a.Length));
        TensorPrimitives.Multiply(b, _second * na / nb, fused.AsSpan(a.Length));
        return fused;
    }
}
