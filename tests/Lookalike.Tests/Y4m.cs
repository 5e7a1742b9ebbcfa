using Lookalike.Imaging;
using SkiaSharp;

namespace Lookalike.Tests;

/// <summary>Writes a one-frame .y4m (I420, limited range, BT.601) of a photo for Chromium's fake camera.</summary>
internal static class Y4m
{
    public static void Write(string photo, string path, int width = 640, int height = 480)
    {
        using var source = ImageLoader.Load(photo);
        using var frame = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(frame))
        {
            canvas.Clear(new SKColor(60, 60, 60));
            var s = Math.Min((float)width / source.Width, (float)height / source.Height);
            using var img = SKImage.FromBitmap(source);
            canvas.DrawImage(img, SKRect.Create((width - source.Width * s) / 2, (height - source.Height * s) / 2, source.Width * s, source.Height * s),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        var px = frame.GetPixelSpan();
        var y = new byte[width * height];
        var u = new byte[width * height / 4];
        var v = new byte[width * height / 4];
        for (var i = 0; i < width * height; i++)
            y[i] = (byte)Math.Clamp(16 + (65.481 * px[4 * i] + 128.553 * px[4 * i + 1] + 24.966 * px[4 * i + 2]) / 255, 0, 255);
        for (var r = 0; r < height / 2; r++)
        {
            for (var c = 0; c < width / 2; c++)
            {
                double sr = 0, sg = 0, sb = 0;
                foreach (var (dy, dx) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                {
                    var i = ((2 * r + dy) * width + 2 * c + dx) * 4;
                    sr += px[i]; sg += px[i + 1]; sb += px[i + 2];
                }
                (sr, sg, sb) = (sr / 4, sg / 4, sb / 4);
                u[r * width / 2 + c] = (byte)Math.Clamp(128 + (-37.797 * sr - 74.203 * sg + 112 * sb) / 255, 0, 255);
                v[r * width / 2 + c] = (byte)Math.Clamp(128 + (112 * sr - 93.786 * sg - 18.214 * sb) / 255, 0, 255);
            }
        }
        using var output = File.Create(path);
        output.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F25:1 Ip A1:1 C420jpeg\nFRAME\n"));
        output.Write(y);
        output.Write(u);
        output.Write(v);
    }
}
