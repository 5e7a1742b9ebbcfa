using System.Numerics.Tensors;
using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>How a similarity map was computed. Occlusion works with any embedder on a CPU; a gradient method needs a model with gradients.</summary>
public enum ExplainMethod
{
    /// <summary>Occlusion sensitivity (<see cref="OcclusionExplainer"/>): how much the cosine drops when a patch is greyed out.</summary>
    Occlusion,
    /// <summary>Grad-CAM of a late convolution map (src/Lookalike.Training, TorchSharp): ReLU of the gradient-weighted map, cosine target.</summary>
    GradCam,
}
