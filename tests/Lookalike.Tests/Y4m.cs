using Lookalike.Imaging;
using SkiaSharp;

namespace Lookalike.Tests;

/// <summary>Writes .y4m files (I420, limited range, BT.601) of a photo for Chromium's fake camera.</summary>
internal static class Y4m
{
    /// <summary>One frame: the photo centred (Chromium loops it, so the camera shows a still face).</summary>
    public static void Write(string photo, string path, int width = 640, int height = 480)
    {
        using var source = ImageLoader.Load(photo);
        var s = Math.Min((float)width / source.Width, (float)height / source.Height);
        using var output = Open(path, width, height);
        WriteFrame(output, source, SKRect.Create((width - source.Width * s) / 2, (height - source.Height * s) / 2, source.Width * s, source.Height * s), width, height);
    }

    /// <summary>One frame of <paramref name="frame"/> as it is (e.g. two people side by side); Chromium loops it.</summary>
    public static void WriteStill(SKBitmap frame, string path)
    {
        using var output = Open(path, frame.Width, frame.Height);
        WriteFrame(output, frame, SKRect.Create(0, 0, frame.Width, frame.Height), frame.Width, frame.Height);
    }

    /// <summary>
    /// <paramref name="frames"/> frames at 25 fps of the photo (scaled to 360 px high) sliding right by
    /// <paramref name="step"/> px a frame for half of them and back for the other half, so the loop has no jump.
    /// </summary>
    public static void WriteMoving(string photo, string path, int frames = 40, float step = 4, int width = 640, int height = 480)
    {
        using var source = ImageLoader.Load(photo);
        var h = 360f;
        var w = h * source.Width / source.Height;
        using var output = Open(path, width, height);
        for (var i = 0; i < frames; i++)
        {
            var along = i < frames / 2 ? i : frames - i;
            WriteFrame(output, source, SKRect.Create(80 + along * step, (height - h) / 2, w, h), width, height);
        }
    }

    private static FileStream Open(string path, int width, int height)
    {
        var output = File.Create(path);
        output.Write(System.Text.Encoding.ASCII.GetBytes($"YUV4MPEG2 W{width} H{height} F25:1 Ip A1:1 C420jpeg\n"));
        return output;
    }

    private static void WriteFrame(Stream output, SKBitmap source, SKRect where, int width, int height)
    {
        using var frame = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(frame))
        {
            canvas.Clear(new SKColor(60, 60, 60));
            using var img = SKImage.FromBitmap(source);
            canvas.DrawImage(img, where, new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
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
        output.Write("FRAME\n"u8);
        output.Write(y);
        output.Write(u);
        output.Write(v);
    }
}
