using System.Globalization;
using System.Numerics.Tensors;
using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>Draws two aligned faces side by side, each with its similarity map over it and a shared colour bar.</summary>
public static class ExplanationPicture
{
    private const int Scale = 3, Pad = 16, Bar = 18;

    /// <summary>Renders the picture as PNG; both maps share one colour scale (± the larger <see cref="SimilarityMap.MaxAbs"/>).</summary>
    /// <param name="alignedA">The first aligned face.</param>
    /// <param name="mapA">Its similarity map.</param>
    /// <param name="labelA">Caption under the first face.</param>
    /// <param name="alignedB">The second aligned face (same size as the first).</param>
    /// <param name="mapB">Its similarity map.</param>
    /// <param name="labelB">Caption under the second face.</param>
    /// <param name="similarity">The pair's cosine similarity, shown in the title.</param>
    public static byte[] Render(SKBitmap alignedA, SimilarityMap mapA, string labelA, SKBitmap alignedB, SimilarityMap mapB, string labelB, float similarity)
    {
        var face = alignedA.Width * Scale;
        var width = Pad * 3 + face * 2 + 90;
        var height = Pad * 2 + 30 + face + 40;
        var range = Math.Max(1e-4f, Math.Max(mapA.MaxAbs, mapB.MaxAbs));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            var caption = mapA.Method == ExplainMethod.GradCam
                ? "red areas raise it (Grad-CAM of the last 7x7 block, cosine target)"
                : "red areas raise it, blue areas lower it (occlusion, patch drop in cosine)";
            Fonts.Draw(canvas, string.Create(CultureInfo.InvariantCulture, $"similarity {similarity:F3}: {caption}"), Pad, Pad + 14, 15, SKColors.Black);
            var top = Pad + 30;
            DrawFace(canvas, alignedA, mapA, range, Pad, top, face);
            DrawFace(canvas, alignedB, mapB, range, Pad * 2 + face, top, face);
            Fonts.Draw(canvas, labelA, Pad, top + face + 22, 14, SKColors.Black);
            Fonts.Draw(canvas, labelB, Pad * 2 + face, top + face + 22, 14, SKColors.Black);
            // Colour bar: +range at the top, -range at the bottom.
            var barX = Pad * 3 + face * 2;
            for (var y = 0; y < face; y++)
            {
                var v = range * (1 - 2f * y / (face - 1));
                using var paint = new SKPaint { Color = ColorOf(v / range).WithAlpha(255) };
                canvas.DrawRect(barX, top + y, Bar, 1, paint);
            }
            using var border = new SKPaint { Color = SKColors.Gray, Style = SKPaintStyle.Stroke };
            canvas.DrawRect(barX, top, Bar, face, border);
            Fonts.Draw(canvas, string.Create(CultureInfo.InvariantCulture, $"+{range:F3}"), barX + Bar + 4, top + 10, 12, SKColors.Black);
            Fonts.Draw(canvas, "0", barX + Bar + 4, top + face / 2f + 4, 12, SKColors.Black);
            Fonts.Draw(canvas, string.Create(CultureInfo.InvariantCulture, $"-{range:F3}"), barX + Bar + 4, top + face, 12, SKColors.Black);
        }
        return Imaging.ImageLoader.EncodePng(bitmap);
    }

    private static void DrawFace(SKCanvas canvas, SKBitmap aligned, SimilarityMap map, float range, float x, float y, int size)
    {
        using var img = SKImage.FromBitmap(aligned);
        canvas.DrawImage(img, SKRect.Create(x, y, size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None));
        using var overlay = new SKBitmap(new SKImageInfo(map.Size, map.Size, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        for (var py = 0; py < map.Size; py++)
            for (var px = 0; px < map.Size; px++)
            {
                var v = map[px, py] / range;
                overlay.SetPixel(px, py, ColorOf(v).WithAlpha((byte)(Math.Min(1f, Math.Abs(v)) * 170)));
            }
        using var heat = SKImage.FromBitmap(overlay);
        // The map is built from overlapping square patches; a blur of about half a stride hides the grid steps.
        using var blur = new SKPaint { ImageFilter = SKImageFilter.CreateBlur(6f * Scale / 2, 6f * Scale / 2) };
        canvas.Save();
        canvas.ClipRect(SKRect.Create(x, y, size, size));
        canvas.DrawImage(heat, SKRect.Create(x, y, size, size), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.None), blur);
        canvas.Restore();
    }

    /// <summary>Diverging colours: blue (−1) → white (0) → red (+1).</summary>
    private static SKColor ColorOf(float v)
    {
        v = Math.Clamp(v, -1, 1);
        return v >= 0
            ? new SKColor(255, (byte)(255 * (1 - v)), (byte)(255 * (1 - v)))
            : new SKColor((byte)(255 * (1 + v)), (byte)(255 * (1 + v)), 255);
    }
}
