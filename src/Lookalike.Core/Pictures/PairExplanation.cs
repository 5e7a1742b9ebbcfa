using System.Numerics.Tensors;
using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>Both maps and the picture for the largest faces of two photos.</summary>
public sealed record PairExplanation(float Similarity, SimilarityMap A, SimilarityMap B, byte[] Png)
{
    /// <summary>Explains two photos' largest faces; null when either has no face.</summary>
    public static PairExplanation? Explain(FacePipeline pipeline, SKBitmap imageA, string labelA, SKBitmap imageB, string labelB)
    {
        if (pipeline.Analyze(imageA).Largest is not { } faceA || pipeline.Analyze(imageB).Largest is not { } faceB) return null;
        using var alignedA = FaceAligner.Align(imageA, faceA.FivePoints);
        using var alignedB = FaceAligner.Align(imageB, faceB.FivePoints);
        return Explain(pipeline, alignedA, faceA.Embedding, labelA, alignedB, faceB.Embedding, labelB);
    }

    /// <summary>Explains two aligned faces given their (normalised) embeddings.</summary>
    public static PairExplanation Explain(FacePipeline pipeline, SKBitmap alignedA, float[] embeddingA, string labelA, SKBitmap alignedB, float[] embeddingB, string labelB)
    {
        var explainer = new OcclusionExplainer(pipeline.Embedder);
        var mapA = explainer.Explain(alignedA, embeddingB);
        var mapB = explainer.Explain(alignedB, embeddingA);
        var similarity = Verification.Similarity(embeddingA, embeddingB);
        return new PairExplanation(similarity, mapA, mapB, ExplanationPicture.Render(alignedA, mapA, labelA, alignedB, mapB, labelB, similarity));
    }
}
