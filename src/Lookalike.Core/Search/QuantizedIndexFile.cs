using System.Globalization;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;

namespace Lookalike.Search;

/// <summary>
/// A <see cref="QuantizedIndex"/> on disk, beside its gallery, so opening a million faces reads one file in one go
/// instead of every row of the database. Layout (little-endian): a 512-byte header (magic, format version,
/// dimension, rows, change counter, gallery id, model), then keys (int64 per row), groups (int64), scales (float32)
/// and the int8 codes (dimension bytes per row). Written to a temporary file and renamed over the old one, so a
/// reader sees the old file or the new one, never half of one.
/// </summary>
public static class QuantizedIndexFile
{
    /// <summary>Bumped whenever the layout changes: a file of another version is rebuilt, never read.</summary>
    public const int FormatVersion = 1;

    private const int HeaderBytes = 512;
    private static ReadOnlySpan<byte> Magic => "LKIDX8\r\n"u8;

    /// <summary>Writes the live rows of <paramref name="index"/> (removed rows are left out) and atomically replaces <paramref name="path"/>.</summary>
    public static void Write(string path, QuantizedIndex index, Guid gallery, string model, long changeSeq)
    {
        ArgumentNullException.ThrowIfNull(index);
        var rows = new List<int>(index.LiveCount);
        for (var r = 0; r < index.Count; r++) if (!index.IsRemoved(r)) rows.Add(r);
        var temp = string.Create(CultureInfo.InvariantCulture, $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                var header = new byte[HeaderBytes];
                Magic.CopyTo(header);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(8), FormatVersion);
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(12), index.Dimension);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(16), rows.Count);
                BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), changeSeq);
                gallery.TryWriteBytes(header.AsSpan(32, 16));
                var m = Encoding.UTF8.GetBytes(model);
                if (m.Length > HeaderBytes - 52) throw new ArgumentException($"model id longer than {HeaderBytes - 52} bytes", nameof(model));
                BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(48), m.Length);
                m.CopyTo(header.AsSpan(52));
                f.Write(header);
                var buffer = new byte[8];
                foreach (var r in rows) { BinaryPrimitives.WriteInt64LittleEndian(buffer, index.KeyOf(r)); f.Write(buffer); }
                foreach (var r in rows) { BinaryPrimitives.WriteInt64LittleEndian(buffer, index.GroupOf(r)); f.Write(buffer); }
                foreach (var r in rows) { BinaryPrimitives.WriteSingleLittleEndian(buffer, index.ScaleOf(r)); f.Write(buffer.AsSpan(0, 4)); }
                foreach (var r in rows) f.Write(MemoryMarshal.AsBytes(index.CodesOf(r)));
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, path, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }

    /// <summary>The header of the file at <paramref name="path"/>, or null when it is missing, of another format version or not an index.</summary>
    public static QuantizedIndexHeader? ReadHeader(string path)
    {
        try
        {
            using var f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            return ReadHeader(f);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static QuantizedIndexHeader? ReadHeader(FileStream f)
    {
        var header = new byte[HeaderBytes];
        if (f.Length < HeaderBytes || f.ReadAtLeast(header, HeaderBytes, throwOnEndOfStream: false) < HeaderBytes) return null;
        if (!header.AsSpan(0, 8).SequenceEqual(Magic) || BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(8)) != FormatVersion) return null;
        var dimension = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(12));
        var rows = BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(16));
        var modelLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(48));
        if (dimension <= 0 || rows < 0 || rows > int.MaxValue || modelLength < 0 || modelLength > HeaderBytes - 52) return null;
        // A truncated file (a copy cut short, a full disk) is not an index.
        if (f.Length != HeaderBytes + rows * (8 + 8 + 4 + dimension)) return null;
        return new QuantizedIndexHeader(dimension, Encoding.UTF8.GetString(header.AsSpan(52, modelLength)), new Guid(header.AsSpan(32, 16)),
            BinaryPrimitives.ReadInt64LittleEndian(header.AsSpan(24)), (int)rows);
    }

    /// <summary>Reads the whole index (one sequential read per section), or null when the file is missing or not a valid index of this version.</summary>
    public static QuantizedIndex? Read(string path, out QuantizedIndexHeader? header)
    {
        header = null;
        FileStream f;
        try
        {
            f = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1 << 20);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        using (f)
        {
            header = ReadHeader(f);
            if (header is null) return null;
            var n = header.Rows;
            var keys = new long[n];
            var groups = new long[n];
            var scales = new float[n];
            f.ReadExactly(MemoryMarshal.AsBytes(keys.AsSpan()));
            f.ReadExactly(MemoryMarshal.AsBytes(groups.AsSpan()));
            f.ReadExactly(MemoryMarshal.AsBytes(scales.AsSpan()));
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("the index file is little-endian");
            var index = new QuantizedIndex(header.Dimension, n, growable: true);
            index.Load(f, keys, groups, scales);
            return index;
        }
    }

    /// <summary>
    /// Overwrites the rows of <paramref name="keys"/> with zeros in place (codes, scale and group; the key, a bare
    /// number, stays), so removed faces leave no trace in the file. Readers learn of the removal from the gallery's
    /// change log, which names the key, not from the file.
    /// </summary>
    public static int Scrub(string path, IReadOnlyCollection<long> keys)
    {
        if (keys.Count == 0) return 0;
        FileStream f;
        try
        {
            f = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return 0;
        }
        using (f)
        {
            if (ReadHeader(f) is not { } header) return 0;
            var n = header.Rows;
            var stored = new long[n];
            f.ReadExactly(MemoryMarshal.AsBytes(stored.AsSpan()));
            var wanted = keys.ToHashSet();
            var zeros = new byte[header.Dimension];
            var scrubbed = 0;
            for (var row = 0; row < n; row++)
            {
                if (!wanted.Contains(stored[row])) continue;
                f.Position = HeaderBytes + (long)n * 8 + (long)row * 8;
                f.Write(zeros.AsSpan(0, 8));
                f.Position = HeaderBytes + (long)n * 16 + (long)row * 4;
                f.Write(zeros.AsSpan(0, 4));
                f.Position = HeaderBytes + (long)n * 20 + (long)row * header.Dimension;
                f.Write(zeros);
                scrubbed++;
            }
            f.Flush(flushToDisk: true);
            return scrubbed;
        }
    }
}
