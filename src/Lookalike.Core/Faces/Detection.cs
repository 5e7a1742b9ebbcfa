using System.Runtime.InteropServices;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>A detected face: the detector's raw box in image pixels and its face probability.</summary>
public readonly record struct Detection(Box Box, float Score);
