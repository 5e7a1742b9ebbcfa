using System.IO.Compression;
using System.Text;
using Lookalike.Imaging;
using SkiaSharp;

namespace Lookalike.DevTools;

/// <summary>
/// Builds a reproducible corpus of hostile files from real photos (seeded; nothing is committed): truncations,
/// flipped bytes, empty files, wrong extensions, headers claiming 60000x60000 or 1x1 pixels, a decompression bomb,
/// an animated GIF, 16-bit PNG, EXIF orientations 1-8, huge EXIF blocks, text and HTML named .jpg, symlinks
/// (good, dangling, looping), unreadable permissions and file names with non-ASCII, spaces and newlines.
/// A manifest.csv beside the folders records each file's kind.
/// </summary>
public static class FuzzCorpus
{
    public static readonly string[] Kinds =
    [
        "valid", "truncated", "flipped_bytes", "zero_length", "wrong_extension", "png_60000x60000", "png_1x1",
        "png_bomb", "jpeg_60000x60000", "gif_animated", "png_16bit", "exif_orientation", "exif_huge", "text_as_jpg",
        "html_as_jpg", "webp", "symlink_good", "symlink_dangling", "symlink_loop", "no_permission",
    ];

    private static readonly string[] Names = ["person", "山田 花子", "José Ñúñez", "김민지", "name with\nnewline", "  spaced  "];

    /// <summary>Writes <paramref name="count"/> files under <paramref name="output"/>/images and returns the manifest.</summary>
    public static List<FuzzFile> Generate(IReadOnlyList<string> photos, string output, int count, int seed, IProgress<int>? progress = null)
    {
        if (photos.Count == 0) throw new ArgumentException("need at least one source photo", nameof(photos));
        var random = new Random(seed);
        var root = Path.Combine(output, "images");
        Directory.CreateDirectory(root);
        var bomb = Bomb();
        var files = new List<FuzzFile>(count);
        for (var i = 0; i < count; i++)
        {
            var kind = Kinds[i % Kinds.Length];
            var source = photos[random.Next(photos.Count)];
            var folder = $"{Names[i % Names.Length]} {i % 40:D2}";
            var name = (i % 11) switch
            {
                3 => $"写真 {i}",
                7 => $"file\nwith newline {i}",
                9 => $" spaced name {i} ",
                _ => $"f{i:D5}",
            };
            var dir = Path.Combine(root, folder);
            Directory.CreateDirectory(dir);
            var (bytes, extension, valid) = Mutate(kind, File.ReadAllBytes(source), random, bomb);
            var path = Path.Combine(dir, name + extension);
            switch (kind)
            {
                case "symlink_good":
                    File.CreateSymbolicLink(path, Path.GetFullPath(source));
                    break;
                case "symlink_dangling":
                    File.CreateSymbolicLink(path, Path.Combine(dir, $"missing-{i}.jpg"));
                    break;
                case "symlink_loop":
                    var other = Path.Combine(dir, $"loop-{i}-b.jpg");
                    File.CreateSymbolicLink(path, other);
                    File.CreateSymbolicLink(other, path);
                    files.Add(new FuzzFile(Path.GetRelativePath(output, other), kind, false));
                    break;
                default:
                    File.WriteAllBytes(path, bytes);
                    if (kind == "no_permission" && !OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.None);
                    break;
            }
            files.Add(new FuzzFile(Path.GetRelativePath(output, path), kind, valid));
            progress?.Report(i + 1);
        }
        using var manifest = new StreamWriter(Path.Combine(output, "manifest.csv"), false, new UTF8Encoding(false));
        manifest.WriteLine("path,kind,valid_photo");
        foreach (var f in files) manifest.WriteLine($"\"{f.RelativePath.Replace("\"", "\"\"")}\",{f.Kind},{(f.ValidPhoto ? 1 : 0)}");
        return files;
    }

    private static (byte[] Bytes, string Extension, bool Valid) Mutate(string kind, byte[] photo, Random random, byte[] bomb)
    {
        switch (kind)
        {
            case "valid": return (photo, ".jpg", true);
            case "truncated": return (photo[..random.Next(1, Math.Max(2, photo.Length - 1))], ".jpg", false);
            case "flipped_bytes":
            {
                var copy = (byte[])photo.Clone();
                for (var k = random.Next(1, 50); k > 0; k--) copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
                return (copy, ".jpg", false); // may still decode: a valid outcome either way
            }
            case "zero_length": return ([], ".jpg", false);
            case "wrong_extension": return (photo, random.Next(3) switch { 0 => ".png", 1 => ".gif", _ => ".bmp" }, true);
            case "png_60000x60000": return (PatchPngSize(ToPng(photo, 64), 60000, 60000), ".png", false);
            case "png_1x1": return (ToPng(photo, 1), ".png", false);
            case "png_bomb": return (bomb, ".png", false);
            case "jpeg_60000x60000": return (PatchJpegSize(photo, 60000, 60000), ".jpg", false);
            case "gif_animated": return (AnimatedGif(), ".gif", false);
            case "png_16bit": return (Png16(photo), ".png", true);
            case "exif_orientation": return (WithExif(photo, (ushort)random.Next(1, 9), 0), ".jpg", true);
            case "exif_huge": return (WithExif(photo, 1, 60_000), ".jpg", true);
            case "text_as_jpg": return ("name,identity\nnot,an image\n"u8.ToArray(), ".jpg", false);
            case "html_as_jpg": return ("<!doctype html><html><body><img src=x onerror=alert(1)></body></html>"u8.ToArray(), ".jpg", false);
            case "webp":
            {
                using var bitmap = ImageLoader.Decode(photo);
                using var image = SKImage.FromBitmap(bitmap);
                return (image.Encode(SKEncodedImageFormat.Webp, 80).ToArray(), ".webp", true);
            }
            case "symlink_good": return ([], ".jpg", true);
            case "symlink_dangling" or "symlink_loop": return ([], ".jpg", false);
            case "no_permission": return (photo, ".jpg", true); // readable anyway when the indexer runs as root
            default: throw new ArgumentOutOfRangeException(nameof(kind), kind);
        }
    }

    private static byte[] ToPng(byte[] photo, int size)
    {
        using var bitmap = ImageLoader.Decode(photo);
        using var small = bitmap.Resize(new SKImageInfo(size, size, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear));
        return ImageLoader.EncodePng(small);
    }

    /// <summary>Rewrites the IHDR width and height (and its CRC) so the header lies about the size.</summary>
    private static byte[] PatchPngSize(byte[] png, int width, int height)
    {
        var copy = (byte[])png.Clone();
        // Signature (8) + length (4) + "IHDR" (4): width at 16, height at 20, CRC after the 13 data bytes at 29.
        WriteBigEndian(copy, 16, (uint)width);
        WriteBigEndian(copy, 20, (uint)height);
        WriteBigEndian(copy, 29, Crc32(copy.AsSpan(12, 17)));
        return copy;
    }

    /// <summary>Rewrites the frame header (SOF0/SOF2) dimensions of a JPEG.</summary>
    private static byte[] PatchJpegSize(byte[] jpeg, int width, int height)
    {
        var copy = (byte[])jpeg.Clone();
        for (var i = 2; i + 9 < copy.Length;)
        {
            if (copy[i] != 0xFF) { i++; continue; }
            var marker = copy[i + 1];
            var length = copy[i + 2] << 8 | copy[i + 3];
            if (marker is 0xC0 or 0xC1 or 0xC2)
            {
                copy[i + 5] = (byte)(height >> 8); copy[i + 6] = (byte)height;
                copy[i + 7] = (byte)(width >> 8); copy[i + 8] = (byte)width;
                return copy;
            }
            i += 2 + length;
        }
        return copy;
    }

    /// <summary>A 1-bit grey PNG of 20000x20000 (400 megapixels) that compresses to a few dozen KB.</summary>
    private static byte[] Bomb()
    {
        const int side = 20000;
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            var row = new byte[1 + side / 8];
            for (var y = 0; y < side; y++) z.Write(row);
        }
        return Png(side, side, bitDepth: 1, colorType: 0, raw.ToArray());
    }

    /// <summary>The photo as a 16-bit-per-channel RGB PNG (most decoders reduce it to 8 bits).</summary>
    private static byte[] Png16(byte[] photo)
    {
        using var bitmap = ImageLoader.Decode(photo);
        var (w, h) = (bitmap.Width, bitmap.Height);
        var px = bitmap.GetPixelSpan();
        using var raw = new MemoryStream();
        using (var z = new ZLibStream(raw, CompressionLevel.Fastest, leaveOpen: true))
        {
            var row = new byte[1 + w * 6];
            for (var y = 0; y < h; y++)
            {
                for (var x = 0; x < w; x++)
                    for (var c = 0; c < 3; c++)
                    {
                        var v = px[(y * w + x) * 4 + c];
                        row[1 + x * 6 + c * 2] = v;
                        row[1 + x * 6 + c * 2 + 1] = v;
                    }
                z.Write(row);
            }
        }
        return Png(w, h, bitDepth: 16, colorType: 2, raw.ToArray());
    }

    private static byte[] Png(int width, int height, byte bitDepth, byte colorType, byte[] idat)
    {
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        var ihdr = new byte[13];
        WriteBigEndian(ihdr, 0, (uint)width);
        WriteBigEndian(ihdr, 4, (uint)height);
        ihdr[8] = bitDepth;
        ihdr[9] = colorType;
        Chunk(png, "IHDR", ihdr);
        Chunk(png, "IDAT", idat);
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream s, string type, byte[] data)
    {
        var header = new byte[8];
        WriteBigEndian(header, 0, (uint)data.Length);
        Encoding.ASCII.GetBytes(type, header.AsSpan(4));
        s.Write(header);
        s.Write(data);
        var crc = new byte[4];
        WriteBigEndian(crc, 0, Crc32([.. header.AsSpan(4), .. data]));
        s.Write(crc);
    }

    /// <summary>Two 8x8 frames (red, then blue) with a NETSCAPE loop block: an animated GIF without a face.</summary>
    private static byte[] AnimatedGif()
    {
        using var s = new MemoryStream();
        s.Write("GIF89a"u8);
        s.Write([8, 0, 8, 0, 0xF1, 0, 0]); // 8x8, global colour table of 4 entries
        s.Write([255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0, 0]);
        s.Write([0x21, 0xFF, 11, .. "NETSCAPE2.0"u8, 3, 1, 0, 0, 0]);
        foreach (var colour in new byte[] { 0, 1 })
        {
            s.Write([0x21, 0xF9, 4, 0, 10, 0, 0, 0]); // 0.1 s per frame
            s.Write([0x2C, 0, 0, 0, 0, 8, 0, 8, 0, 0]);
            // LZW, minimum code size 2: clear code (4) then 64 literal codes of 3 bits, re-clearing before the table grows.
            var codes = new List<int> { 4 };
            for (var k = 0; k < 64; k++)
            {
                if (k > 0 && k % 3 == 0) codes.Add(4);
                codes.Add(colour);
            }
            codes.Add(5);
            var bits = new List<byte>();
            int acc = 0, n = 0;
            foreach (var c in codes)
            {
                acc |= c << n; n += 3;
                while (n >= 8) { bits.Add((byte)acc); acc >>= 8; n -= 8; }
            }
            if (n > 0) bits.Add((byte)acc);
            s.WriteByte(2);
            s.WriteByte((byte)bits.Count);
            s.Write(bits.ToArray());
            s.WriteByte(0);
        }
        s.WriteByte(0x3B);
        return s.ToArray();
    }

    /// <summary>Inserts an EXIF APP1 with an orientation tag, plus <paramref name="padding"/> bytes of junk APP1 segments.</summary>
    private static byte[] WithExif(byte[] jpeg, ushort orientation, int padding)
    {
        if (jpeg.Length < 4 || jpeg[0] != 0xFF || jpeg[1] != 0xD8) return jpeg;
        byte[] tiff = [(byte)'M', (byte)'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, (byte)(orientation >> 8), (byte)orientation, 0, 0, 0, 0, 0, 0];
        using var s = new MemoryStream();
        s.Write(jpeg.AsSpan(0, 2));
        Segment(s, 0xE1, [.. "Exif\0\0"u8, .. tiff]);
        var junk = new byte[60_000];
        new Random(orientation).NextBytes(junk);
        for (var left = padding; left > 0; left -= junk.Length) Segment(s, 0xE1, junk.AsSpan(0, Math.Min(junk.Length, left)).ToArray());
        s.Write(jpeg.AsSpan(2));
        return s.ToArray();
    }

    private static void Segment(Stream s, byte marker, byte[] payload)
    {
        var length = payload.Length + 2;
        s.Write([0xFF, marker, (byte)(length >> 8), (byte)length]);
        s.Write(payload);
    }

    private static void WriteBigEndian(byte[] b, int offset, uint v)
    {
        b[offset] = (byte)(v >> 24); b[offset + 1] = (byte)(v >> 16); b[offset + 2] = (byte)(v >> 8); b[offset + 3] = (byte)v;
    }

    private static readonly uint[] s_crcTable = Enumerable.Range(0, 256).Select(n =>
    {
        var c = (uint)n;
        for (var k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
        return c;
    }).ToArray();

    private static uint Crc32(ReadOnlySpan<byte> data)
    {
        var c = 0xFFFFFFFFu;
        foreach (var b in data) c = s_crcTable[(c ^ b) & 0xFF] ^ (c >> 8);
        return c ^ 0xFFFFFFFFu;
    }
}
