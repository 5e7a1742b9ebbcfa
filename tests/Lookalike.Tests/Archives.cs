using System.Formats.Tar;
using System.IO.Compression;

namespace Lookalike.Tests;

/// <summary>Real .zip and .tar.gz files made by the tests (from shared photos, or hostile on purpose).</summary>
public static class Archives
{
    /// <summary>The photos of a shared set's folders as (entry name, file): "&lt;person&gt;/&lt;file&gt;".</summary>
    public static List<(string Name, string File)> Photos(string set, string prefix = "")
    {
        var images = Path.Combine(Shared.Set(set), "images");
        return [.. Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(f => (prefix + Path.GetRelativePath(images, f), f))];
    }

    /// <summary>A zip of files under the given entry names (deflated, with each file's mtime).</summary>
    public static string Zip(string path, IEnumerable<(string Name, string File)> files)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, file) in files) zip.CreateEntryFromFile(file, name, CompressionLevel.Optimal);
        return path;
    }

    /// <summary>A gzipped PAX tar of regular-file entries with the files' contents and mtimes (links followed).</summary>
    public static string TarGz(string path, IEnumerable<(string Name, string File)> files, params TarEntry[] extra)
    {
        using var output = File.Create(path);
        using var gzip = new GZipStream(output, CompressionLevel.Optimal);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, file) in files)
        {
            using var data = File.OpenRead(file);
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = data, ModificationTime = File.GetLastWriteTimeUtc(file) });
        }
        foreach (var entry in extra) tar.WriteEntry(entry);
        return path;
    }

    /// <summary>Writes <paramref name="bytes"/> zero bytes to a stream, 1 MiB at a time.</summary>
    public static void Zeros(Stream stream, long bytes)
    {
        var block = new byte[1 << 20];
        for (var left = bytes; left > 0; left -= block.Length) stream.Write(block, 0, (int)Math.Min(block.Length, left));
    }
}
