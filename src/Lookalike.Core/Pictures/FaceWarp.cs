using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>
/// Piecewise-affine warping of a square face picture from one set of points to another: the points (68 landmarks
/// plus 8 border points, so the whole square is covered) are triangulated once on the target shape and every
/// target triangle is filled from the matching source triangle by its own affine map. This is what makes an
/// average face sharp: after the warp every face's eyes, nose, mouth and jaw sit on the same pixels.
/// Written in C# (bilinear sampling) rather than with SKCanvas.DrawVertices so the result is exact and the same
/// on every platform.
/// </summary>
public static class FaceWarp
{
    /// <summary>The 8 border points of a square: corners and edge midpoints, identical in source and target.</summary>
    public static PointF[] Border(int size)
    {
        float e = size - 1, h = (size - 1) / 2f;
        return [new(0, 0), new(h, 0), new(e, 0), new(e, h), new(e, e), new(h, e), new(0, e), new(0, h)];
    }

    /// <summary>Delaunay triangulation (Bowyer–Watson); returns index triples into <paramref name="points"/>.</summary>
    public static int[] Triangulate(IReadOnlyList<PointF> points)
    {
        var n = points.Count;
        var px = new double[n + 3];
        var py = new double[n + 3];
        double minX = double.MaxValue, minY = double.MaxValue, maxX = double.MinValue, maxY = double.MinValue;
        for (var i = 0; i < n; i++)
        {
            px[i] = points[i].X; py[i] = points[i].Y;
            minX = Math.Min(minX, px[i]); maxX = Math.Max(maxX, px[i]);
            minY = Math.Min(minY, py[i]); maxY = Math.Max(maxY, py[i]);
        }
        // A super-triangle far outside every point; triangles touching it are dropped at the end.
        var span = Math.Max(maxX - minX, maxY - minY) * 20 + 1;
        double cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
        (px[n], py[n]) = (cx - span, cy - span);
        (px[n + 1], py[n + 1]) = (cx + span, cy - span);
        (px[n + 2], py[n + 2]) = (cx, cy + span);
        var triangles = new List<(int A, int B, int C)> { (n, n + 1, n + 2) };
        for (var p = 0; p < n; p++)
        {
            var bad = triangles.Where(t => InCircumcircle(px, py, t, px[p], py[p])).ToList();
            // The hole's boundary: edges of bad triangles that no other bad triangle shares.
            var edges = new List<(int, int)>();
            foreach (var t in bad)
                foreach (var e in new[] { (t.A, t.B), (t.B, t.C), (t.C, t.A) })
                {
                    var shared = bad.Any(o => o != t && HasEdge(o, e.Item1, e.Item2));
                    if (!shared) edges.Add(e);
                }
            triangles.RemoveAll(bad.Contains);
            foreach (var (a, b) in edges) triangles.Add((a, b, p));
        }
        return [.. triangles.Where(t => t.A < n && t.B < n && t.C < n).SelectMany(t => new[] { t.A, t.B, t.C })];
    }

    private static bool HasEdge((int A, int B, int C) t, int u, int v)
    {
        var hasU = t.A == u || t.B == u || t.C == u;
        var hasV = t.A == v || t.B == v || t.C == v;
        return hasU && hasV;
    }

    private static bool InCircumcircle(double[] px, double[] py, (int A, int B, int C) t, double x, double y)
    {
        double ax = px[t.A] - x, ay = py[t.A] - y, bx = px[t.B] - x, by = py[t.B] - y, cx = px[t.C] - x, cy = py[t.C] - y;
        var det = (ax * ax + ay * ay) * (bx * cy - cx * by) - (bx * bx + by * by) * (ax * cy - cx * ay) + (cx * cx + cy * cy) * (ax * by - bx * ay);
        var orientation = (px[t.B] - px[t.A]) * (py[t.C] - py[t.A]) - (py[t.B] - py[t.A]) * (px[t.C] - px[t.A]);
        return orientation > 0 ? det > 0 : det < 0;
    }

    /// <summary>
    /// Warps <paramref name="source"/> (RGBA, <paramref name="size"/> square) so that <paramref name="from"/> points
    /// land on <paramref name="to"/>; <paramref name="triangles"/> index both lists. Alpha is carried along
    /// (premultiplied), so parts of the square that were outside the photo stay transparent and can be left out of
    /// an average; pixels covered by no triangle are transparent (a border point set covers the whole square).
    /// </summary>
    public static SKBitmap Warp(SKBitmap source, IReadOnlyList<PointF> from, IReadOnlyList<PointF> to, int[] triangles, int size)
    {
        if (source.ColorType != SKColorType.Rgba8888) throw new ArgumentException("source must be Rgba8888", nameof(source));
        var result = new SKBitmap(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul));
        var dst = result.GetPixelSpan();
        dst.Clear();
        var src = source.GetPixelSpan();
        int sw = source.Width, sh = source.Height;
        for (var t = 0; t < triangles.Length; t += 3)
        {
            PointF d0 = to[triangles[t]], d1 = to[triangles[t + 1]], d2 = to[triangles[t + 2]];
            PointF s0 = from[triangles[t]], s1 = from[triangles[t + 1]], s2 = from[triangles[t + 2]];
            double den = (d1.Y - d2.Y) * (d0.X - d2.X) + (d2.X - d1.X) * (d0.Y - d2.Y);
            if (Math.Abs(den) < 1e-9) continue;
            var x0 = Math.Max(0, (int)Math.Floor(Math.Min(d0.X, Math.Min(d1.X, d2.X))));
            var x1 = Math.Min(size - 1, (int)Math.Ceiling(Math.Max(d0.X, Math.Max(d1.X, d2.X))));
            var y0 = Math.Max(0, (int)Math.Floor(Math.Min(d0.Y, Math.Min(d1.Y, d2.Y))));
            var y1 = Math.Min(size - 1, (int)Math.Ceiling(Math.Max(d0.Y, Math.Max(d1.Y, d2.Y))));
            for (var y = y0; y <= y1; y++)
                for (var x = x0; x <= x1; x++)
                {
                    // Barycentric coordinates of the pixel in the target triangle; a small tolerance so shared
                    // edges leave no gaps (a pixel on an edge is simply written twice with the same value).
                    var l0 = ((d1.Y - d2.Y) * (x - d2.X) + (d2.X - d1.X) * (y - d2.Y)) / den;
                    var l1 = ((d2.Y - d0.Y) * (x - d2.X) + (d0.X - d2.X) * (y - d2.Y)) / den;
                    var l2 = 1 - l0 - l1;
                    if (l0 < -1e-4 || l1 < -1e-4 || l2 < -1e-4) continue;
                    var sx = l0 * s0.X + l1 * s1.X + l2 * s2.X;
                    var sy = l0 * s0.Y + l1 * s1.Y + l2 * s2.Y;
                    Sample(src, sw, sh, sx, sy, dst.Slice(4 * (y * size + x), 4));
                }
        }
        return result;
    }

    /// <summary>Bilinear sample of premultiplied RGBA, pixel i centred on coordinate i (the landmarks' convention); outside the image is transparent.</summary>
    private static void Sample(ReadOnlySpan<byte> src, int w, int h, double x, double y, Span<byte> rgba)
    {
        var fx = Math.Floor(x);
        var fy = Math.Floor(y);
        int ix = (int)fx, iy = (int)fy;
        double ax = x - fx, ay = y - fy;
        for (var c = 0; c < 4; c++)
        {
            double v = 0;
            for (var k = 0; k < 4; k++)
            {
                int xx = ix + (k & 1), yy = iy + (k >> 1);
                if (xx < 0 || yy < 0 || xx >= w || yy >= h) continue;
                var wgt = ((k & 1) == 1 ? ax : 1 - ax) * ((k >> 1) == 1 ? ay : 1 - ay);
                v += wgt * src[4 * (yy * w + xx) + c];
            }
            rgba[c] = (byte)Math.Clamp(Math.Round(v), 0, 255);
        }
    }
}
