using SkiaSharp;

namespace Lookalike.Tests;

/// <summary>Makes a JPEG whose pixels are stored rotated, with the EXIF orientation tag that shows them upright.</summary>
internal static class ExifJpeg
{
    public static byte[] StoreRotated(SKBitmap upright, ushort orientation)
    {
        var (w, h) = (upright.Width, upright.Height);
        var swap = orientation is 6 or 8;
        using var stored = new SKBitmap(new SKImageInfo(swap ? h : w, swap ? w : h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(stored))
        {
            // The inverse of what a viewer applies for the tag.
            var m = orientation switch
            {
                3 => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
                6 => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1), // viewer rotates 90° clockwise
                8 => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1), // viewer rotates 90° counter-clockwise
                _ => throw new ArgumentOutOfRangeException(nameof(orientation)),
            };
            canvas.SetMatrix(m);
            using var image0 = SKImage.FromBitmap(upright);
            canvas.DrawImage(image0, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        using var image = SKImage.FromBitmap(stored);
        var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 92).ToArray();
        // APP1 "Exif\0\0" + big-endian TIFF header with one IFD entry: Orientation (0x0112), SHORT, 1.
        byte[] tiff =
        [
            (byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8,
            0, 1,
            0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0,
            0, 0, 0, 0,
        ];
        var payload = new byte[6 + tiff.Length];
        "Exif\0\0"u8.CopyTo(payload);
        tiff.CopyTo(payload, 6);
        var segmentLength = payload.Length + 2;
        byte[] app1 = [0xFF, 0xE1, (byte)(segmentLength >> 8), (byte)segmentLength, .. payload];
        return [jpeg[0], jpeg[1], .. app1, .. jpeg.AsSpan(2)];
    }
}
