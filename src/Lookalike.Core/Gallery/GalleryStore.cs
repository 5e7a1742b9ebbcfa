using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>Opens a gallery store from a location (SQLite file or PostgreSQL URL) and holds what both stores share.</summary>
public static class GalleryStore
{
    /// <summary>Environment variable naming the default store (a SQLite file or a postgres:// URL).</summary>
    public const string EnvironmentVariable = "LOOKALIKE_STORE";

    /// <summary>True for a PostgreSQL location: a postgres:// or postgresql:// URL or a Host=... connection string.</summary>
    public static bool IsPostgres(string location) =>
        location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) ||
        location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) ||
        location.StartsWith("Host=", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads rows of (path, identity, sha256, size, mtime, outcome, detail, model), the same in both stores.</summary>
    internal static List<FileRecord> ReadFiles(System.Data.Common.DbCommand cmd)
    {
        var list = new List<FileRecord>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new FileRecord(r.GetString(0), r.GetString(1), Hash(r.GetString(2)), r.GetInt64(3), r.GetInt64(4),
                OutcomeNames.Parse(r.GetString(5)), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7)));
        return list;
    }

    /// <summary>
    /// Galleries written before the outcome said it stored the text <c>unreadable:IOException</c> (or another exception's
    /// name) as the hash of a file it could not read; both stores rewrite those to empty at open, and reads map them too.
    /// </summary>
    internal const string LegacyUnreadableHashPrefix = "unreadable:";

    private static string Hash(string stored) => stored.StartsWith(LegacyUnreadableHashPrefix, StringComparison.Ordinal) ? "" : stored;

    /// <summary>The models whose faces the gallery holds (files indexed with a face), in ordinal order.</summary>
    public static List<string> ModelsWithFaces(IGalleryStore store) =>
        [.. store.Files().Where(f => f.Outcome.HasFace()).Select(f => f.Model).Distinct().Order(StringComparer.Ordinal)];

    /// <summary>Opens (creating if needed) the store at <paramref name="location"/>: a SQLite file path or a PostgreSQL location.</summary>
    public static IGalleryStore Open(string location) =>
        IsPostgres(location) ? new PostgresGalleryStore(location) : new SqliteGalleryStore(location);
}
