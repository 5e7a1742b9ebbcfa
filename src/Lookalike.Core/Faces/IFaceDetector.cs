using System.Runtime.InteropServices;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Finds faces in an image.</summary>
public interface IFaceDetector
{
    /// <summary>
    /// Detects faces with score ≥ <paramref name="minScore"/>, best first. <paramref name="padding"/> &gt; 1 places
    /// the image centred on a grey canvas that many times its size first, which shrinks faces that fill the frame
    /// into the detector's range.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled (the model run is terminated).</exception>
    IReadOnlyList<Detection> Detect(SKBitmap image, float padding = 1f, float minScore = UltraFaceDetector.DefaultMinScore, CancellationToken cancellation = default);
}
