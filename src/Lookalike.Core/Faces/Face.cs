using System.Numerics.Tensors;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>One face found in an image, aligned and embedded.</summary>
/// <param name="Box">The detector's square (side = box height) clipped to the image, in pixels.</param>
/// <param name="Score">Detector face probability.</param>
/// <param name="Landmarks">68 landmarks (iBUG order) in image pixels.</param>
/// <param name="Embedding">L2-normalised embedding: cosine similarity is a dot product.</param>
/// <param name="Norm">L2 norm of the raw embedding (low on non-faces).</param>
/// <param name="CropScore">Best detector score (≥ 0.5, else 0) on the aligned crop: the "is it a face" check; <see cref="FacePipeline.NotChecked"/> when skipped.</param>
/// <param name="Thumbnail">The aligned 112x112 face as JPEG.</param>
/// <param name="Source">How the face was found (directly, or on a padded canvas).</param>
public sealed record Face(
    Box Box, float Score, PointF[] Landmarks, float[] Embedding, float Norm, float CropScore, FaceSource Source, byte[] Thumbnail)
{
    /// <summary>The five alignment points (eye centres, nose tip, mouth corners) derived from <see cref="Landmarks"/>, in image pixels.</summary>
    public PointF[] FivePoints => LandmarkModel.FivePoints(Landmarks);

    /// <summary>How usable the face is for recognition, in [0, 1] (<see cref="FaceQuality"/>); NaN when not measured (faces read back from a gallery).</summary>
    public float Quality { get; init; } = float.NaN;
}
