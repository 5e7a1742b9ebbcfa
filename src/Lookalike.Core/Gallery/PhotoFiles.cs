namespace Lookalike.Gallery;

/// <summary>
/// Which stored files are photos: a gallery records every file under its folder (labels.csv, notes too, as
/// unreadable), but lists show photos only: paths with a photo extension, and faces uploaded through the web app
/// (keyed <c>upload:identity/sha256</c>, not file paths). The stores apply the same rule in SQL, so lists page in the database.
/// </summary>
public static class PhotoFiles
{
    /// <summary>The key prefix of faces uploaded through the web app.</summary>
    public const string UploadPrefix = "upload:";

    /// <summary>Photo file extensions, lower case with the dot.</summary>
    public static readonly IReadOnlySet<string> Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        ".jpg", ".jpeg", ".jpe", ".jfif", ".png", ".webp", ".bmp", ".gif", ".heic", ".heif", ".avif", ".tif", ".tiff",
    };

    /// <summary>True for a file whose name says it is a photo, or an uploaded face.</summary>
    public static bool IsPhoto(string path) =>
        path.StartsWith(UploadPrefix, StringComparison.Ordinal) || Extensions.Contains(Path.GetExtension(path));

    /// <summary>
    /// The same rule as a SQL condition on the <c>path</c> column: <paramref name="tail"/> gives the last n characters
    /// (SQLite <c>substr(path, -n)</c>, PostgreSQL <c>right(path, n)</c>). Extensions are compared by length, in one IN list each.
    /// </summary>
    internal static string SqlCondition(Func<int, string> tail)
    {
        var byLength = Extensions.GroupBy(e => e.Length).OrderBy(g => g.Key)
            .Select(g => $"lower({tail(g.Key)}) IN ({string.Join(", ", g.Order(StringComparer.Ordinal).Select(e => $"'{e}'"))})");
        return $"(substr(path, 1, {UploadPrefix.Length}) = '{UploadPrefix}' OR {string.Join(" OR ", byLength)})";
    }
}
