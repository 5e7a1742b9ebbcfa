using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>How the five points are mapped onto the template.</summary>
public enum Alignment
{
    /// <summary>Least-squares similarity of all five points (rotation, uniform scale, translation): the default.</summary>
    Similarity,
    /// <summary>The exact affine map of the eyes and the nose tip (shear allowed), as the faceplugin JS does: kept to measure it.</summary>
    Affine3,
}
