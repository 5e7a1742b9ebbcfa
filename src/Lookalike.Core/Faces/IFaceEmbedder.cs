using System.Globalization;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Turns an aligned 112x112 face into a feature vector.</summary>
public interface IFaceEmbedder
{
    /// <summary>Identifies the model (and pre-processing) that made an embedding; stored beside each one.</summary>
    string ModelId { get; }
    /// <summary>Length of the embeddings this model produces (512 for the stock model).</summary>
    int Dimension { get; }

    /// <summary>The raw (not normalised) embedding of an aligned face.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    float[] Embed(SKBitmap aligned, CancellationToken cancellation = default);
}
