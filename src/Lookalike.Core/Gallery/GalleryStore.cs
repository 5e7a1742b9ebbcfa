using Lookalike.Faces;
using Lookalike.Search;

namespace Lookalike.Gallery;

/// <summary>What happened to one file when a gallery was indexed.</summary>
public enum Outcome
{
    Indexed,
    NoFace,
    MultipleFaces,
    TooSmall,
    Unreadable,
    TooLarge,
    Unlabelled,
    TimedOut,
    Unchanged,
}

public static class OutcomeNames
{
    /// <summary>The stable snake_case name used in JSON and in the store.</summary>
    public static string Name(this Outcome o) => o switch
    {
        Outcome.Indexed => "indexed",
        Outcome.NoFace => "no_face",
        Outcome.MultipleFaces => "multiple_faces",
        Outcome.TooSmall => "too_small",
        Outcome.Unreadable => "unreadable",
        Outcome.TooLarge => "too_large",
        Outcome.Unlabelled => "unlabelled",
        Outcome.TimedOut => "timed_out",
        Outcome.Unchanged => "unchanged",
        _ => throw new ArgumentOutOfRangeException(nameof(o)),
    };

    public static Outcome Parse(string name) =>
        Enum.GetValues<Outcome>().First(o => o.Name() == name);

    /// <summary>True for outcomes whose file contributes a face to the gallery.</summary>
    public static bool HasFace(this Outcome o) => o is Outcome.Indexed or Outcome.MultipleFaces;
}

/// <summary>The stored state of one file, used to skip unchanged files.</summary>
public sealed record FileRecord(string Path, string Identity, string Sha256, long Size, long MtimeTicks, Outcome Outcome, string? Detail, string Model);

/// <summary>A file's result ready to be written: its record and the face kept for the gallery (if any).</summary>
public sealed record FileResult(FileRecord File, Face? Face);

/// <summary>One stored gallery face as the search needs it.</summary>
public sealed record StoredFace(long Id, string Identity, string Path, float[] Embedding);

/// <summary>
/// Where a gallery lives: per file its outcome and fingerprint, per kept face its embedding, box, landmarks and an
/// aligned thumbnail. Two implementations: <see cref="SqliteGalleryStore"/> (one file, the default) and
/// <see cref="PostgresGalleryStore"/> (PostgreSQL + pgvector, shared by many app instances). Both pass the same tests.
/// </summary>
public interface IGalleryStore : IDisposable
{
    /// <summary>Where the store is, for messages (a file path, or a connection without its password).</summary>
    string Location { get; }

    /// <summary>Stored files whose path lies under <paramref name="root"/> (a full directory path).</summary>
    Dictionary<string, FileRecord> FilesUnder(string root);

    /// <summary>Writes results in one transaction: each file's row replaces the old one, with its face.</summary>
    void Write(IReadOnlyList<FileResult> results);

    /// <summary>Updates only the fingerprint of files whose content did not change (e.g. touched).</summary>
    void Touch(IReadOnlyList<FileRecord> files);

    /// <summary>Removes files (and their faces).</summary>
    void RemoveFiles(IReadOnlyCollection<string> paths);

    /// <summary>Removes every face and file row of an identity and reclaims the space. Returns faces removed.</summary>
    int RemoveIdentity(string identity);

    /// <summary>Identities with their face and file counts and one face id (for a thumbnail), by name.</summary>
    List<(string Identity, int Faces, int Files, long? FaceId)> Identities();

    /// <summary>Every stored file with its outcome, by path.</summary>
    List<FileRecord> Files();

    /// <summary>All face embeddings made by <paramref name="model"/>, by id.</summary>
    List<StoredFace> Faces(string model);

    /// <summary>The faces of one identity: id, source path, box and whether the photo had several faces.</summary>
    List<(long Id, string Path, Box Box, string Source, bool Several)> IdentityFaces(string identity);

    /// <summary>One stored face with its embedding, or null.</summary>
    StoredFace? Face(long id);

    /// <summary>The aligned thumbnail (JPEG) of a stored face.</summary>
    byte[]? Thumbnail(long faceId);

    /// <summary>Files recorded as having a face whose face row is missing, counted in one statement (one snapshot).</summary>
    int FilesMissingTheirFace();

    int FaceCount();

    /// <summary>A search over the faces of <paramref name="model"/> as they are now.</summary>
    IFaceSearch Search(string model, int dimension);
}

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
            list.Add(new FileRecord(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4),
                OutcomeNames.Parse(r.GetString(5)), r.IsDBNull(6) ? null : r.GetString(6), r.GetString(7)));
        return list;
    }

    /// <summary>Opens (creating if needed) the store at <paramref name="location"/>: a SQLite file path or a PostgreSQL location.</summary>
    public static IGalleryStore Open(string location) =>
        IsPostgres(location) ? new PostgresGalleryStore(location) : new SqliteGalleryStore(location);
}

