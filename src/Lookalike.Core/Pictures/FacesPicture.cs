using System.Globalization;
using Lookalike.Faces;
using SkiaSharp;

namespace Lookalike.Pictures;

/// <summary>Draws the faces found in a photo: numbered boxes and the five alignment points.</summary>
public static class FacesPicture
{
    /// <summary>
    /// Renders the photo as PNG with each face's box, its number and detector score, and its five points. The photo is
    /// scaled so its long side is at most <paramref name="maxSide"/> pixels; one narrower than 320 px is scaled to a 320-px long side.
    /// </summary>
    public static byte[] Render(SKBitmap image, FaceAnalysis analysis, int maxSide = 1024)
    {
        var k = Math.Min(1f, (float)maxSide / Math.Max(image.Width, image.Height));
        if (image.Width * k < 320) k = 320f / Math.Max(image.Width, image.Height);
        var (w, h) = ((int)Math.Round(image.Width * k), (int)Math.Round(image.Height * k));
        using var bitmap = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(bitmap))
        {
            using var img = SKImage.FromBitmap(image);
            canvas.DrawImage(img, SKRect.Create(0, 0, w, h), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
            using var box = new SKPaint { Color = new SKColor(0, 220, 0), Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
            using var dot = new SKPaint { Color = new SKColor(255, 40, 40), IsAntialias = true };
            for (var i = 0; i < analysis.Faces.Count; i++)
            {
                var f = analysis.Faces[i];
                canvas.DrawRect(SKRect.Create(f.Box.X * k, f.Box.Y * k, f.Box.Width * k, f.Box.Height * k), box);
                foreach (var p in f.FivePoints) canvas.DrawCircle(p.X * k, p.Y * k, 2.5f, dot);
                Fonts.Draw(canvas, string.Create(CultureInfo.InvariantCulture, $"{i + 1} ({f.Score:F2})"), f.Box.X * k + 3, f.Box.Y * k + 15, 14, new SKColor(0, 220, 0));
            }
        }
        return Imaging.ImageLoader.EncodePng(bitmap);
    }
}
