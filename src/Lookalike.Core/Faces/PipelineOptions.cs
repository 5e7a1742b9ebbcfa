using System.Numerics.Tensors;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>How a <see cref="FacePipeline"/> runs: threads, limits, and which models.</summary>
public sealed record PipelineOptions
{
    /// <summary>ONNX Runtime intra-op threads per model. On 2 cores, 1 thread and 2 images in parallel is faster.</summary>
    public int Threads { get; init; } = 1;
    /// <summary>Faces whose square is smaller than this many pixels are dropped (counted as too small).</summary>
    public int MinFaceSize { get; init; } = 20;
    /// <summary>File size and pixel count limits for images loaded from a path.</summary>
    public ImageLimits Limits { get; init; } = ImageLimits.Default;
    /// <summary>The embedder to run (<see cref="EmbedderChoice.Resolve(ModelStore, string)"/>); null: the stock one.</summary>
    public EmbedderChoice? Embedder { get; init; }
    /// <summary>The detector that finds faces (the crop check always uses the faceplugin one it was measured with).</summary>
    public DetectorChoice Detector { get; init; } = DetectorChoice.UltraFace;
    /// <summary>How the five points are mapped onto the template (the crop the embedder, the checks and the thumbnail see).</summary>
    public Alignment Alignment { get; init; } = Alignment.Similarity;
}
