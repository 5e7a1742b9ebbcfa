using System.Numerics.Tensors;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>How a face was found.</summary>
public enum FaceSource
{
    /// <summary>The detector on the image as it is.</summary>
    Primary,
    /// <summary>The face filled the frame; detected again on a 1.5x grey canvas for a better box.</summary>
    FrameFilling,
    /// <summary>Nothing was found directly; found on a padded grey canvas (1.5x, 2x or 3x) and passed the strict check.</summary>
    Padded,
}
