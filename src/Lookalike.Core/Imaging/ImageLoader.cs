using System.Globalization;
using SkiaSharp;

namespace Lookalike.Imaging;

/// <summary>
/// Decodes JPEG, PNG, WebP, BMP and GIF (first frame) by content, never by extension, into RGBA with the
/// EXIF orientation applied. Size limits are checked from the header, before pixels are decoded.
/// </summary>
public static class ImageLoader
{
    /// <summary>Loads an image file at full size as upright RGBA.</summary>
    /// <param name="path">The file to load.</param>
    /// <param name="limits">Size limits; null: <see cref="ImageLimits.Default"/>.</param>
    /// <exception cref="ImageLoadException">The file is missing, unreadable, not a supported image, or over the limits.</exception>
    public static SKBitmap Load(string path, ImageLimits? limits = null) => Load(path, limits, 0, out _);

    /// <summary>
    /// Loads a file, decoding a JPEG at 1/2, 1/4 or 1/8 scale (libjpeg's DCT scaling: the cheap way to a smaller
    /// picture) as long as its long side stays at least <paramref name="minLongSide"/>; 0 decodes at full size.
    /// <paramref name="scale"/> is decoded size / original size.
    /// </summary>
    public static SKBitmap Load(string path, ImageLimits? limits, int minLongSide, out float scale)
    {
        limits ??= ImageLimits.Default;
        FileInfo info;
        try
        {
            info = new FileInfo(path);
            if (!info.Exists) throw new ImageLoadException(ImageProblem.Unreadable, "file not found");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ImageLoadException(ImageProblem.Unreadable, e.Message);
        }
        if (info.Length > limits.MaxBytes)
            throw new ImageLoadException(ImageProblem.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"file is {info.Length / 1048576.0:F1} MB, over the {limits.MaxBytes / 1048576} MB limit"));
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImageLoadException(ImageProblem.Unreadable, e.Message);
        }
        return Decode(bytes, limits, minLongSide, out scale);
    }

    /// <summary>Decodes image bytes at full size as upright RGBA.</summary>
    /// <param name="bytes">The encoded image.</param>
    /// <param name="limits">Size limits; null: <see cref="ImageLimits.Default"/>.</param>
    /// <exception cref="ImageLoadException">The bytes are empty, not a supported image, truncated, or over the limits.</exception>
    public static SKBitmap Decode(ReadOnlySpan<byte> bytes, ImageLimits? limits = null) => Decode(bytes, limits, 0, out _);

    /// <inheritdoc cref="Load(string, ImageLimits?, int, out float)"/>
    public static SKBitmap Decode(ReadOnlySpan<byte> bytes, ImageLimits? limits, int minLongSide, out float scale)
    {
        limits ??= ImageLimits.Default;
        if (bytes.Length == 0) throw new ImageLoadException(ImageProblem.Unreadable, "empty file");
        if (bytes.Length > limits.MaxBytes)
            throw new ImageLoadException(ImageProblem.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"image is {bytes.Length / 1048576.0:F1} MB, over the {limits.MaxBytes / 1048576} MB limit"));
        using var data = SKData.CreateCopy(bytes);
        using var stream = new SKMemoryStream(data);
        using var codec = SKCodec.Create(stream, out var result);
        if (codec is null)
            throw new ImageLoadException(ImageProblem.Unreadable, $"not an image in a supported format (JPEG, PNG, WebP, BMP, GIF): {result}");
        var (w, h) = (codec.Info.Width, codec.Info.Height);
        if (w <= 0 || h <= 0) throw new ImageLoadException(ImageProblem.Unreadable, "image has no pixels");
        if ((long)w * h > limits.MaxPixels)
            throw new ImageLoadException(ImageProblem.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"image is {w}x{h} = {(long)w * h / 1e6:F0} MP, over the {limits.MaxPixels / 1e6:F0} MP limit"));

        scale = 1;
        if (minLongSide > 0 && codec.EncodedFormat == SKEncodedImageFormat.Jpeg)
        {
            // The smallest size the codec offers (1/8, 1/4, 1/2) that keeps the long side at least minLongSide.
            foreach (var s in new[] { 0.125f, 0.25f, 0.5f })
            {
                var size = codec.GetScaledDimensions(s);
                if (Math.Max(size.Width, size.Height) >= minLongSide && size.Width < w)
                {
                    scale = size.Width / (float)w;
                    (w, h) = (size.Width, size.Height);
                    break;
                }
            }
        }
        var decoded = new SKBitmap(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        var status = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (status != SKCodecResult.Success)
        {
            decoded.Dispose();
            var why = status == SKCodecResult.IncompleteInput ? "truncated image (data ends before the picture does)" : $"cannot decode pixels: {status}";
            throw new ImageLoadException(ImageProblem.Unreadable, why);
        }
        return Orient(decoded, codec.EncodedOrigin);
    }

    /// <summary>Applies an EXIF orientation; returns the input when it is already upright.</summary>
    internal static SKBitmap Orient(SKBitmap bitmap, SKEncodedOrigin origin)
    {
        if (origin is SKEncodedOrigin.TopLeft or SKEncodedOrigin.Default) return bitmap;
        var (w, h) = (bitmap.Width, bitmap.Height);
        var swap = origin is SKEncodedOrigin.LeftTop or SKEncodedOrigin.RightTop or SKEncodedOrigin.RightBottom or SKEncodedOrigin.LeftBottom;
        var rotated = new SKBitmap(new SKImageInfo(swap ? h : w, swap ? w : h, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(rotated))
        {
            // Matrices map the stored pixels to the displayed picture (EXIF 2.3, orientation tags 2-8).
            var m = origin switch
            {
                SKEncodedOrigin.TopRight => new SKMatrix(-1, 0, w, 0, 1, 0, 0, 0, 1),
                SKEncodedOrigin.BottomRight => new SKMatrix(-1, 0, w, 0, -1, h, 0, 0, 1),
                SKEncodedOrigin.BottomLeft => new SKMatrix(1, 0, 0, 0, -1, h, 0, 0, 1),
                SKEncodedOrigin.LeftTop => new SKMatrix(0, 1, 0, 1, 0, 0, 0, 0, 1),
                SKEncodedOrigin.RightTop => new SKMatrix(0, -1, h, 1, 0, 0, 0, 0, 1),
                SKEncodedOrigin.RightBottom => new SKMatrix(0, -1, h, -1, 0, w, 0, 0, 1),
                SKEncodedOrigin.LeftBottom => new SKMatrix(0, 1, 0, -1, 0, w, 0, 0, 1),
                _ => SKMatrix.Identity,
            };
            canvas.SetMatrix(m);
            using var image = SKImage.FromBitmap(bitmap);
            canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
        }
        bitmap.Dispose();
        return rotated;
    }

    /// <summary>Encodes a bitmap as JPEG (for thumbnails and pictures).</summary>
    public static byte[] EncodeJpeg(SKBitmap bitmap, int quality = 85)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Jpeg, quality);
        return data.ToArray();
    }

    /// <summary>Encodes a bitmap as PNG (lossless).</summary>
    public static byte[] EncodePng(SKBitmap bitmap)
    {
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
