using System.Numerics.Tensors;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Which face detector a <see cref="FacePipeline"/> runs (<see cref="PipelineOptions.Detector"/>).</summary>
public enum DetectorChoice
{
    /// <summary>faceplugin's fr_detect (UltraFace layout), letterboxed 320x240: the default.</summary>
    UltraFace,
    /// <summary>MediaPipe BlazeFace front 128x128.</summary>
    BlazeFace,
    /// <summary>MediaPipe BlazeFace back 256x256: the same detector family at twice the input size.</summary>
    BlazeFace256,
}
