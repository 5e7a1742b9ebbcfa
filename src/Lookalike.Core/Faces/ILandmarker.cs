using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Locates facial landmarks inside a face box.</summary>
public interface ILandmarker
{
    /// <summary>Returns landmarks (iBUG-68 order) in image pixels for the face in <paramref name="square"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    PointF[] Locate(SKBitmap image, Box square, CancellationToken cancellation = default);
}
