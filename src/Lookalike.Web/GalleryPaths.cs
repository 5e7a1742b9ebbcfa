using Lookalike.Gallery;

namespace Lookalike.Web;

/// <summary>
/// How stored file paths are shown to clients: relative to the gallery's folder (the deepest folder holding every
/// indexed file), so answers don't reveal the server's directory layout or user names. Keys of uploaded faces
/// (<c>upload:identity/sha256</c>) are not file paths and are shown as they are.
/// </summary>
public sealed class GalleryPaths
{
    public const string UploadPrefix = PhotoFiles.UploadPrefix;

    private readonly string? _root;

    /// <param name="paths">Every stored file path.</param>
    public GalleryPaths(IEnumerable<string> paths)
    {
        foreach (var path in paths)
        {
            if (path.StartsWith(UploadPrefix, StringComparison.Ordinal)) continue;
            var folder = Path.GetDirectoryName(path) ?? "/";
            _root = _root is null ? folder : CommonFolder(_root, folder);
        }
    }

    /// <summary>The folder paths are shown relative to; null for a gallery without indexed files.</summary>
    public string? Root => _root;

    /// <summary>The path as a client without the key sees it.</summary>
    public string Relative(string path)
    {
        if (path.StartsWith(UploadPrefix, StringComparison.Ordinal) || _root is null || !Path.IsPathRooted(path)) return path;
        return Path.GetRelativePath(_root, path);
    }

    private static string CommonFolder(string a, string b)
    {
        while (!IsUnder(b, a))
        {
            var parent = Path.GetDirectoryName(a);
            if (parent is null) return "/";
            a = parent;
        }
        return a;
    }

    private static bool IsUnder(string path, string folder) =>
        path == folder || path.StartsWith(folder.EndsWith('/') ? folder : folder + "/", StringComparison.Ordinal);
}
