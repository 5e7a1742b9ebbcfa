using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using Lookalike.Imaging;

namespace Lookalike.Gallery;

/// <summary>
/// A gallery packed as a .zip or .tar.gz of folders per person, read in place. Opening lists and checks it whole
/// before anything is indexed: every entry name (refused when it would leave the archive), and the sizes against
/// <see cref="ArchiveLimits"/> (a zip from its directory, whose sizes bound every later read; a tar.gz by
/// decompressing it, since its entries can only be reached in order). Then each photo wanted is read into memory
/// when asked for, at most its listed size, and never written to disk. Reads may come from several threads; they
/// take turns (decompression is sequential anyway).
/// </summary>
internal sealed class GalleryArchive : IDisposable
{
    private const string MacMetadata = "__MACOSX";

    private readonly ArchiveLimits _limits;
    private readonly Lock _gate = new();
    private readonly ZipArchive? _zip;
    // A tar.gz is read a second time, in order: the reader, the index of the entry it gave last, the entries wanted,
    // and those wanted entries read ahead of the one asked for (at most one per worker that has not asked yet).
    private Stream? _tarStream;
    private TarReader? _tarReader;
    private int _tarPosition = -1;
    private Dictionary<int, ArchiveEntry> _wanted = [];
    private readonly Dictionary<int, (byte[]? Bytes, ImageLoadException? Error)> _ahead = [];
    private long _maxBytes = ImageLimits.Default.MaxBytes;

    private GalleryArchive(string path, ArchiveLimits limits, ZipArchive? zip, List<ArchiveEntry> entries)
    {
        FullPath = path;
        _limits = limits;
        _zip = zip;
        Entries = entries;
        // An archive of the gallery folder itself (lfw.tgz holds lfw/<person>/<file>): that folder is the root.
        var top = entries.Count > 0 && entries.All(e => e.Name.Contains('/')) ? entries[0].Name[..entries[0].Name.IndexOf('/')] : null;
        Root = top is not null && entries.All(e => e.Name.StartsWith(top + "/", StringComparison.Ordinal))
            && entries.Any(e => e.Name.AsSpan(top.Length + 1).Contains('/'))
            ? path + "/" + top : path;
    }

    /// <summary>The archive file's full path; stored paths of its entries are this path, '/', the entry name.</summary>
    public string FullPath { get; }

    /// <summary>Where identities are read from: the archive, or the one folder every entry lies in when it holds the person folders.</summary>
    public string Root { get; }

    /// <summary>The files (directories and macOS metadata left out), in archive order.</summary>
    public IReadOnlyList<ArchiveEntry> Entries { get; }

    /// <summary>The stored path of an entry.</summary>
    public string PathOf(ArchiveEntry entry) => FullPath + "/" + entry.Name;

    /// <summary>Opens and checks a .zip or .tar.gz (told by its first bytes, not its name).</summary>
    /// <exception cref="GalleryArchiveException">not an archive, unreadable, or refused (a hostile name, a bomb).</exception>
    public static GalleryArchive Open(string path, ArchiveLimits limits)
    {
        path = Path.GetFullPath(path);
        var head = new byte[4];
        int read;
        using (var probe = File.OpenRead(path)) read = probe.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        if (read >= 4 && head[0] == 'P' && head[1] == 'K' && head[2] is 3 or 5 && head[3] is 4 or 6) return OpenZip(path, limits);
        if (read >= 2 && head[0] == 0x1F && head[1] == 0x8B) return new GalleryArchive(path, limits, null, ListTar(path, limits));
        throw new GalleryArchiveException($"{path} is neither a folder nor a .zip or .tar.gz archive");
    }

    /// <summary>Says which entries will be read (in archive order) and the most bytes one may have (larger ones are 'too_large').</summary>
    public void Want(IEnumerable<ArchiveEntry> entries, long maxBytes)
    {
        lock (_gate)
        {
            _wanted = entries.ToDictionary(e => e.Index);
            _maxBytes = maxBytes;
        }
    }

    /// <summary>An entry's bytes, read in place.</summary>
    /// <exception cref="ImageLoadException">over the size limit, or unreadable (e.g. longer or shorter than listed).</exception>
    public byte[] Read(ArchiveEntry entry)
    {
        (byte[]? Bytes, ImageLoadException? Error) result;
        lock (_gate)
            result = _zip is not null ? Capture(() => _zip.Entries[entry.Index].Open(), entry) : ReadTar(entry);
        return result.Bytes ?? throw result.Error!;
    }

    public void Dispose()
    {
        _zip?.Dispose();
        _tarReader?.Dispose();
        _tarStream?.Dispose();
    }

    private static GalleryArchive OpenZip(string path, ArchiveLimits limits)
    {
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(File.OpenRead(path), ZipArchiveMode.Read, leaveOpen: false, Encoding.UTF8);
        }
        catch (InvalidDataException e)
        {
            throw new GalleryArchiveException($"{path} is not a readable zip archive: {e.Message}", e);
        }
        try
        {
            var entries = new List<ArchiveEntry>();
            var names = new HashSet<string>(StringComparer.Ordinal);
            long total = 0;
            for (var i = 0; i < zip.Entries.Count; i++)
            {
                var e = zip.Entries[i];
                var name = Clean(path, e.FullName);
                var type = (e.ExternalAttributes >> 16) & 0xF000; // the Unix file type, when a Unix tool made the zip
                if (name is null || e.FullName.EndsWith('/') || e.FullName.EndsWith('\\') || type == 0x4000) continue;
                // These sizes come from the zip's directory; reading never goes past them (see Capture), so checking
                // them bounds what is decompressed.
                if (e.Length >= limits.RatioFromBytes && e.Length > limits.MaxRatio * Math.Max(1, e.CompressedLength))
                    throw Refused(path, string.Create(CultureInfo.InvariantCulture,
                        $"'{name}' unpacks {Megabytes(e.Length)} from {Megabytes(e.CompressedLength)}, {e.Length / (double)Math.Max(1, e.CompressedLength):F0}:1, over the {limits.MaxRatio:F0}:1 limit (a zip bomb?)"));
                total += e.Length;
                if (total > limits.MaxTotalBytes) throw Refused(path, $"it unpacks to more than the {Megabytes(limits.MaxTotalBytes)} limit");
                if (!names.Add(name)) throw Refused(path, $"two entries are named '{name}'");
                var problem = type switch
                {
                    0 or 0x8000 => null,
                    0xA000 => "a symbolic link in the archive (not followed)",
                    _ => "not a regular file",
                };
                entries.Add(new ArchiveEntry(i, name, e.Length, e.LastWriteTime.UtcTicks, problem));
            }
            return new GalleryArchive(path, limits, zip, entries);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    private static List<ArchiveEntry> ListTar(string path, ArchiveLimits limits)
    {
        var entries = new List<ArchiveEntry>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var buffer = new byte[81920];
        try
        {
            using var file = File.OpenRead(path);
            var compressed = new CountingStream(file);
            using var tar = new TarReader(Unpacked(compressed, path, limits));
            for (var index = 0; tar.GetNextEntry() is { } e; index++)
            {
                if (e.EntryType == TarEntryType.GlobalExtendedAttributes) continue;
                var name = Clean(path, e.Name);
                // Every byte is decompressed here, counted as it comes: the ratio per entry from the compressed
                // bytes consumed meanwhile (the gzip stream reads ahead a little, which only lowers the ratio early on).
                if (e.DataStream is { } data)
                {
                    var (unpacked, start) = (0L, compressed.Count);
                    int n;
                    while ((n = data.Read(buffer)) > 0)
                    {
                        unpacked += n;
                        var packed = Math.Max(1, compressed.Count - start);
                        if (unpacked >= limits.RatioFromBytes && unpacked > limits.MaxRatio * packed)
                            throw Refused(path, string.Create(CultureInfo.InvariantCulture,
                                $"'{name ?? e.Name}' unpacks over {Megabytes(unpacked)} from {Megabytes(packed)}, over the {limits.MaxRatio:F0}:1 limit (a zip bomb?)"));
                    }
                }
                if (name is null || e.EntryType == TarEntryType.Directory) continue;
                if (!names.Add(name)) throw Refused(path, $"two entries are named '{name}'");
                var problem = e.EntryType switch
                {
                    TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => null,
                    TarEntryType.SymbolicLink or TarEntryType.HardLink => "a link in the archive (not followed)",
                    _ => $"not a regular file ({e.EntryType})",
                };
                entries.Add(new ArchiveEntry(index, name, e.Length, e.ModificationTime.UtcTicks, problem));
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException)
        {
            throw new GalleryArchiveException($"{path} is not a readable tar.gz archive: {e.Message}", e);
        }
        return entries;
    }

    /// <summary>The tar stream inside a gzip, stopped with a refusal once it has given more than the total limit.</summary>
    private static CountingStream Unpacked(Stream compressed, string path, ArchiveLimits limits) =>
        new(new GZipStream(compressed, CompressionMode.Decompress), n =>
        {
            if (n > limits.MaxTotalBytes) throw Refused(path, $"it unpacks to more than the {Megabytes(limits.MaxTotalBytes)} limit");
        });

    /// <summary>A wanted tar entry: taken from those read ahead, or reached by reading on (keeping wanted ones passed on the way).</summary>
    private (byte[]?, ImageLoadException?) ReadTar(ArchiveEntry entry)
    {
        if (_ahead.Remove(entry.Index, out var held)) return held;
        try
        {
            if (_tarReader is null)
            {
                _tarStream = File.OpenRead(FullPath);
                _tarReader = new TarReader(Unpacked(_tarStream, FullPath, _limits));
            }
            while (_tarPosition < entry.Index)
            {
                var e = _tarReader.GetNextEntry();
                _tarPosition++;
                if (e is null) break;
                if (_tarPosition == entry.Index) return Capture(() => e.DataStream, entry);
                if (_wanted.TryGetValue(_tarPosition, out var other)) _ahead[_tarPosition] = Capture(() => e.DataStream, other);
            }
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or FormatException or IOException)
        {
            return (null, new ImageLoadException(ImageProblem.Unreadable, $"archive unreadable here: {e.Message}"));
        }
        return (null, new ImageLoadException(ImageProblem.Unreadable, "not found where the archive listed it (was it changed during the run?)"));
    }

    /// <summary>
    /// Reads one entry whole into memory: at most its listed size (a larger one is 'too_large' unread), and refused
    /// when its data is longer or shorter than listed (a forged size). Errors are values, for the entry's outcome.
    /// </summary>
    private (byte[]?, ImageLoadException?) Capture(Func<Stream?> open, ArchiveEntry entry)
    {
        if (entry.Size > _maxBytes)
            return (null, new ImageLoadException(ImageProblem.TooLarge,
                string.Create(CultureInfo.InvariantCulture, $"file is {entry.Size / 1048576.0:F1} MB, over the {_maxBytes / 1048576} MB limit")));
        try
        {
            using var data = open();
            if (data is null) return ([], null); // a tar entry without data: empty
            var bytes = new byte[entry.Size];
            if (data.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                return (null, new ImageLoadException(ImageProblem.Unreadable, "entry is shorter than the archive says"));
            Span<byte> one = stackalloc byte[1];
            if (data.Read(one) > 0) return (null, new ImageLoadException(ImageProblem.Unreadable, "entry is longer than the archive says"));
            return (bytes, null);
        }
        catch (Exception e) when (e is InvalidDataException or EndOfStreamException or IOException)
        {
            return (null, new ImageLoadException(ImageProblem.Unreadable, $"entry unreadable: {e.Message}"));
        }
    }

    /// <summary>
    /// An entry name checked and cleaned: refused (the whole archive) when it could name a file outside the archive's
    /// folder — '..', an absolute path, a drive letter, a NUL or other control character; a backslash counts as a
    /// separator (so '..\x' is caught too). '.' and empty segments are dropped. Null for a name to skip: empty, or
    /// macOS metadata (__MACOSX/).
    /// </summary>
    internal static string? Clean(string archive, string raw)
    {
        foreach (var c in raw)
            if (char.IsControl(c)) throw Refused(archive, $"entry '{Printable(raw)}' has a control character in its name");
        var name = raw.Replace('\\', '/');
        if (name.StartsWith('/')) throw Refused(archive, $"entry '{raw}' is an absolute path");
        if (name.Length >= 2 && name[1] == ':' && char.IsAsciiLetter(name[0])) throw Refused(archive, $"entry '{raw}' starts with a drive letter");
        var segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(s => s != ".").ToList();
        if (segments.Contains("..")) throw Refused(archive, $"entry '{raw}' leaves the archive ('..')");
        if (segments.Count == 0 || segments[0] == MacMetadata) return null;
        return string.Join('/', segments);
    }

    private static GalleryArchiveException Refused(string archive, string why) => new($"{archive} refused: {why}; nothing was indexed");

    private static string Printable(string s) => string.Concat(s.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));

    private static string Megabytes(long bytes)
    {
        if (bytes < 1024) return "under 1 KiB"; // (a tar.gz's compressed bytes per entry are known only to the gzip buffer)
        var (value, unit) = bytes >= 1L << 30 ? (bytes / (double)(1L << 30), "GiB") : bytes >= 1L << 20 ? (bytes / (double)(1L << 20), "MiB") : (bytes / 1024.0, "KiB");
        return string.Create(CultureInfo.InvariantCulture, $"{value:0.#} {unit}");
    }
}
