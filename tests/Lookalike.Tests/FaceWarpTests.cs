using Lookalike.Faces;
using Lookalike.Pictures;
using SkiaSharp;

namespace Lookalike.Tests;

public class FaceWarpTests
{
    [Fact]
    public void Triangulation_covers_the_square_and_an_identity_warp_changes_no_pixel()
    {
        const int size = 64;
        // Scattered inner points (a stand-in for landmarks) plus the 8 border points.
        var random = new Random(1);
        PointF[] points = [.. Enumerable.Range(0, 30).Select(_ => new PointF(8 + random.NextSingle() * 48, 8 + random.NextSingle() * 48)), .. FaceWarp.Border(size)];
        var triangles = FaceWarp.Triangulate(points);
        Assert.Equal(0, triangles.Length % 3);
        // A triangulation of n points with h on the hull has 2n - 2 - h triangles; the hull is the 8 border points.
        Assert.Equal(2 * points.Length - 2 - 8, triangles.Length / 3);

        using var image = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var px = image.GetPixelSpan();
        for (var i = 0; i < size * size; i++) { px[4 * i] = (byte)(i * 7); px[4 * i + 1] = (byte)(i / size * 4); px[4 * i + 2] = 90; px[4 * i + 3] = 255; }
        using var warped = FaceWarp.Warp(image, points, points, triangles, size);
        Assert.True(image.GetPixelSpan().SequenceEqual(warped.GetPixelSpan()), "an identity warp left holes or moved pixels");
    }
}
