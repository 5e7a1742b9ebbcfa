using System.Globalization;
using System.Net;
using System.Numerics.Tensors;
using System.Text;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>One gallery face placed on the 2-D map.</summary>
public sealed record MapPoint(string Identity, float X, float Y, byte[]? Thumbnail);
