using System.Globalization;
using System.Runtime.InteropServices;
using Lookalike.Faces;
using Lookalike.Search;
using Microsoft.Data.Sqlite;

namespace Lookalike.Gallery;

/// <summary>
/// The gallery in one SQLite file (WAL): a row per file with its outcome and fingerprint (size, mtime, SHA-256),
/// and a row per kept face with its embedding, box, landmarks and an aligned 112x112 JPEG thumbnail. Photos are
/// not stored. Writes are batched in transactions so that a killed run loses at most the last batch.
/// </summary>
public sealed class SqliteGalleryStore : IGalleryStore
{
    private readonly SqliteConnection _db;

    /// <summary>Opens the SQLite gallery file at <paramref name="path"/>, creating it (and its folder) when missing.</summary>
    public SqliteGalleryStore(string path)
    {
        Path = System.IO.Path.GetFullPath(path);
        var dir = System.IO.Path.GetDirectoryName(Path);
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = Path, Pooling = false }.ToString());
        _db.Open();
        // busy_timeout: a reader (match, the web app) and a writer (gallery add) may open the file at once.
        // secure_delete: deleted rows are overwritten with zeros, so a removed identity leaves no trace without a VACUUM.
        Execute("PRAGMA busy_timeout=30000; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;");
        Execute("""
            CREATE TABLE IF NOT EXISTS files(
                path TEXT PRIMARY KEY,
                identity TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                mtime INTEGER NOT NULL,
                outcome TEXT NOT NULL,
                detail TEXT,
                model TEXT NOT NULL,
                indexed_at TEXT NOT NULL);
            CREATE TABLE IF NOT EXISTS faces(
                id INTEGER PRIMARY KEY,
                path TEXT NOT NULL REFERENCES files(path) ON DELETE CASCADE,
                identity TEXT NOT NULL,
                model TEXT NOT NULL,
                embedding BLOB NOT NULL,
                box_x REAL NOT NULL, box_y REAL NOT NULL, box_w REAL NOT NULL, box_h REAL NOT NULL,
                score REAL NOT NULL,
                landmarks BLOB NOT NULL,
                source TEXT NOT NULL,
                several INTEGER NOT NULL,
                thumbnail BLOB NOT NULL);
            CREATE INDEX IF NOT EXISTS faces_identity ON faces(identity);
            CREATE INDEX IF NOT EXISTS faces_path ON faces(path);
            CREATE INDEX IF NOT EXISTS files_identity ON files(identity);
            """);
        Migrate();
    }

    /// <summary>The schema version this code writes (<c>PRAGMA user_version</c>); older files are brought up to it at open.</summary>
    internal const int SchemaVersion = 2;

    private void Migrate()
    {
        using var version = _db.CreateCommand();
        version.CommandText = "PRAGMA user_version";
        var from = Convert.ToInt32(version.ExecuteScalar());
        if (from < SchemaVersion)
        {
            using var tx = _db.BeginTransaction();
            using var cmd = _db.CreateCommand();
            cmd.Transaction = tx;
            // 0 -> 1: a file that could not be read is its outcome (unreadable) with no hash, not a fake hash text.
            // 1 -> 2: the change log below, and the gallery's own id (a persisted search index names the gallery it describes).
            cmd.CommandText = $"""
                UPDATE files SET sha256 = '' WHERE substr(sha256, 1, {GalleryStore.LegacyUnreadableHashPrefix.Length}) = '{GalleryStore.LegacyUnreadableHashPrefix}';
                CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
                INSERT OR IGNORE INTO meta VALUES('gallery_id', '{Guid.NewGuid():D}');
                PRAGMA user_version = {SchemaVersion};
                """;
            cmd.ExecuteNonQuery();
            tx.Commit();
        }
        // Every change to the faces, by this code, an older version or any other SQLite client, lands in face_log (triggers
        // live in the file): a persisted search index covers the log up to a sequence number and replays the rest.
        Execute("""
            CREATE TABLE IF NOT EXISTS face_log(seq INTEGER PRIMARY KEY AUTOINCREMENT, face_id INTEGER NOT NULL, added INTEGER NOT NULL);
            CREATE TRIGGER IF NOT EXISTS face_log_insert AFTER INSERT ON faces BEGIN INSERT INTO face_log(face_id, added) VALUES(new.id, 1); END;
            CREATE TRIGGER IF NOT EXISTS face_log_delete AFTER DELETE ON faces BEGIN INSERT INTO face_log(face_id, added) VALUES(old.id, 0); END;
            CREATE TRIGGER IF NOT EXISTS face_log_update AFTER UPDATE ON faces BEGIN
                INSERT INTO face_log(face_id, added) VALUES(old.id, 0); INSERT INTO face_log(face_id, added) VALUES(new.id, 1); END;
            """);
        using var id = _db.CreateCommand();
        id.CommandText = "SELECT value FROM meta WHERE key = 'gallery_id'";
        GalleryId = Guid.Parse((string)id.ExecuteScalar()!);
    }

    /// <summary>This gallery's own id, made when the file was created (or first opened by this version).</summary>
    public Guid GalleryId { get; private set; }

    /// <summary>Where the persisted search index of <paramref name="model"/> lives: beside the database file.</summary>
    public string IndexPathOf(string model) => $"{Path}.{Fnv1a(model):x16}.faceindex";

    /// <summary>Every persisted search index of this gallery (one per model).</summary>
    internal IEnumerable<string> IndexFiles()
    {
        var dir = System.IO.Path.GetDirectoryName(Path)!;
        var name = System.IO.Path.GetFileName(Path);
        return Directory.EnumerateFiles(dir, name + ".*.faceindex").Where(f => System.IO.Path.GetFileName(f).Length == name.Length + 27);
    }

    /// <summary>64-bit FNV-1a of the UTF-8 bytes: a stable short key for a string (an identity, a model id).</summary>
    internal static long Fnv1a(string s)
    {
        var h = 14695981039346656037UL;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(s)) h = (h ^ b) * 1099511628211UL;
        return unchecked((long)h);
    }

    /// <summary>The database file's full path.</summary>
    public string Path { get; }
    /// <inheritdoc/>
    public string Location => Path;

    private void Execute(string sql)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Stored files whose path lies under <paramref name="root"/> (a full directory path).</summary>
    public Dictionary<string, FileRecord> FilesUnder(string root)
    {
        var prefix = root.TrimEnd('/') + "/";
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT path, identity, sha256, size, mtime, outcome, detail, model FROM files WHERE substr(path, 1, length($p)) = $p";
        cmd.Parameters.AddWithValue("$p", prefix);
        return GalleryStore.ReadFiles(cmd).ToDictionary(f => f.Path, StringComparer.Ordinal);
    }

    /// <summary>Writes results in one transaction: each file's row replaces the old one, with its face.</summary>
    public void Write(IReadOnlyList<FileResult> results)
    {
        using var tx = _db.BeginTransaction();
        using var deleteFaces = Command(tx, "DELETE FROM faces WHERE path = $path");
        using var upsert = Command(tx, """
            INSERT INTO files(path, identity, sha256, size, mtime, outcome, detail, model, indexed_at)
            VALUES($path, $identity, $sha, $size, $mtime, $outcome, $detail, $model, $at)
            ON CONFLICT(path) DO UPDATE SET identity=excluded.identity, sha256=excluded.sha256, size=excluded.size,
                mtime=excluded.mtime, outcome=excluded.outcome, detail=excluded.detail, model=excluded.model,
                indexed_at=excluded.indexed_at
            """);
        using var insertFace = Command(tx, """
            INSERT INTO faces(path, identity, model, embedding, box_x, box_y, box_w, box_h, score, landmarks, source, several, thumbnail)
            VALUES($path, $identity, $model, $embedding, $x, $y, $w, $h, $score, $landmarks, $source, $several, $thumbnail)
            """);
        var now = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture);
        foreach (var (file, face) in results)
        {
            Set(deleteFaces, ("$path", file.Path));
            deleteFaces.ExecuteNonQuery();
            Set(upsert, ("$path", file.Path), ("$identity", file.Identity), ("$sha", file.Sha256), ("$size", file.Size),
                ("$mtime", file.MtimeTicks), ("$outcome", file.Outcome.Name()), ("$detail", (object?)file.Detail ?? DBNull.Value),
                ("$model", file.Model), ("$at", now));
            upsert.ExecuteNonQuery();
            if (face is null) continue;
            Set(insertFace, ("$path", file.Path), ("$identity", file.Identity), ("$model", file.Model),
                ("$embedding", MemoryMarshal.AsBytes(face.Embedding.AsSpan()).ToArray()),
                ("$x", face.Box.X), ("$y", face.Box.Y), ("$w", face.Box.Width), ("$h", face.Box.Height), ("$score", face.Score),
                ("$landmarks", MemoryMarshal.AsBytes(face.Landmarks.AsSpan()).ToArray()), ("$source", face.Source.ToString()),
                ("$several", file.Outcome == Outcome.MultipleFaces ? 1 : 0), ("$thumbnail", face.Thumbnail));
            insertFace.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Updates only the fingerprint of files whose content did not change (e.g. touched).</summary>
    public void Touch(IReadOnlyList<FileRecord> files)
    {
        using var tx = _db.BeginTransaction();
        using var cmd = Command(tx, "UPDATE files SET mtime = $mtime, size = $size WHERE path = $path");
        foreach (var f in files)
        {
            Set(cmd, ("$mtime", f.MtimeTicks), ("$size", f.Size), ("$path", f.Path));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>Removes files (and their faces) from the store.</summary>
    public void RemoveFiles(IReadOnlyCollection<string> paths)
    {
        using var tx = _db.BeginTransaction();
        using var cmd = Command(tx, "DELETE FROM files WHERE path = $path");
        foreach (var p in paths)
        {
            Set(cmd, ("$path", p));
            cmd.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <summary>
    /// Removes every face and file row of an identity. No trace stays: secure_delete zeroes the freed bytes, the
    /// checkpoint empties the write-ahead log, and the removed faces' rows in the persisted search indexes are
    /// zeroed in place. (A VACUUM, used before, rewrote the whole file: minutes at a million faces.) Returns faces removed.
    /// </summary>
    public int RemoveIdentity(string identity)
    {
        var ids = new List<long>();
        using (var tx = _db.BeginTransaction())
        {
            using (var select = Command(tx, "SELECT id FROM faces WHERE identity = $id"))
            {
                Set(select, ("$id", identity));
                using var r = select.ExecuteReader();
                while (r.Read()) ids.Add(r.GetInt64(0));
            }
            using var del = Command(tx, "DELETE FROM faces WHERE identity = $id; DELETE FROM files WHERE identity = $id;");
            Set(del, ("$id", identity));
            del.ExecuteNonQuery();
            tx.Commit();
        }
        Execute("PRAGMA wal_checkpoint(TRUNCATE);");
        foreach (var file in IndexFiles()) QuantizedIndexFile.Scrub(file, ids);
        return ids.Count;
    }

    /// <inheritdoc/>
    public List<IdentitySummary> Identities(int offset = 0, int? limit = null)
    {
        using var cmd = _db.CreateCommand();
        // Walks files_identity in order: a page costs its offset in index entries, never the whole gallery's rows.
        cmd.CommandText = """
            SELECT f.identity, (SELECT count(*) FROM faces x WHERE x.identity = f.identity), count(*),
                   (SELECT min(id) FROM faces x WHERE x.identity = f.identity)
            FROM files f WHERE f.identity <> '' GROUP BY f.identity ORDER BY f.identity LIMIT $limit OFFSET $offset
            """;
        cmd.Parameters.AddWithValue("$limit", limit ?? -1);
        cmd.Parameters.AddWithValue("$offset", Math.Max(0, offset));
        var list = new List<IdentitySummary>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new IdentitySummary(r.GetString(0), r.GetInt32(1), r.GetInt32(2), r.IsDBNull(3) ? null : r.GetInt64(3)));
        return list;
    }

    /// <inheritdoc/>
    public List<string> IdentityNames()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT identity FROM files WHERE identity <> '' ORDER BY identity";
        var list = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    /// <inheritdoc/>
    public int IdentityCount()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT count(DISTINCT identity) FROM files WHERE identity <> ''";
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    private static readonly string PhotoSql = PhotoFiles.SqlCondition(n => $"substr(path, -{n})");

    /// <inheritdoc/>
    public (List<FileRecord> Files, int Total) Photos(int offset, int limit)
    {
        using var tx = _db.BeginTransaction(deferred: true);
        using var page = Command(tx, $"SELECT path, identity, sha256, size, mtime, outcome, detail, model FROM files WHERE {PhotoSql} ORDER BY path LIMIT $limit OFFSET $offset");
        Set(page, ("$limit", Math.Max(0, limit)), ("$offset", Math.Max(0, offset)));
        var files = GalleryStore.ReadFiles(page);
        using var count = Command(tx, $"SELECT count(*) FROM files WHERE {PhotoSql}");
        var total = Convert.ToInt32(count.ExecuteScalar());
        tx.Commit();
        return (files, total);
    }

    /// <inheritdoc/>
    public (string? First, string? Last) PathRange()
    {
        // Both walk the primary key's index from one end, skipping uploads (upload:… sorts after '/' paths).
        string? End(string order)
        {
            using var cmd = _db.CreateCommand();
            cmd.CommandText = $"SELECT path FROM files WHERE substr(path, 1, {PhotoFiles.UploadPrefix.Length}) <> '{PhotoFiles.UploadPrefix}' ORDER BY path {order} LIMIT 1";
            return cmd.ExecuteScalar() as string;
        }
        return (End("ASC"), End("DESC"));
    }

    /// <inheritdoc/>
    public List<(long Id, string Identity)> FaceIdentities(string model)
    {
        using var cmd = _db.CreateCommand();
        // Through the small files table and faces_path (a covering index): a scan of faces would read every row's
        // embedding and thumbnail pages (2.4 s instead of 0.4 s at 300,000 faces). Faces carry their file's identity and model.
        cmd.CommandText = "SELECT x.id, f.identity FROM files f JOIN faces x ON x.path = f.path WHERE f.model = $model";
        cmd.Parameters.AddWithValue("$model", model);
        var list = new List<(long, string)>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add((r.GetInt64(0), r.GetString(1)));
        return list;
    }

    /// <inheritdoc/>
    public List<StoredFace> FacesById(IReadOnlyCollection<long> ids)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, identity, path, embedding FROM faces WHERE id IN (SELECT value FROM json_each($ids)) ORDER BY id";
        cmd.Parameters.AddWithValue("$ids", "[" + string.Join(",", ids.Select(i => i.ToString(CultureInfo.InvariantCulture))) + "]");
        var list = new List<StoredFace>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new StoredFace(r.GetInt64(0), r.GetString(1), r.GetString(2), MemoryMarshal.Cast<byte, float>((byte[])r[3]).ToArray()));
        return list;
    }

    /// <summary>Every stored file with its outcome (for the report).</summary>
    public List<FileRecord> Files()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT path, identity, sha256, size, mtime, outcome, detail, model FROM files ORDER BY path";
        return GalleryStore.ReadFiles(cmd);
    }

    /// <summary>All face embeddings made by <paramref name="model"/>.</summary>
    public List<StoredFace> Faces(string model)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, identity, path, embedding FROM faces WHERE model = $model ORDER BY id";
        cmd.Parameters.AddWithValue("$model", model);
        var list = new List<StoredFace>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var bytes = (byte[])r[3];
            list.Add(new StoredFace(r.GetInt64(0), r.GetString(1), r.GetString(2), MemoryMarshal.Cast<byte, float>(bytes).ToArray()));
        }
        return list;
    }

    /// <summary>The faces of one identity: id, source path, box and whether the photo had several faces.</summary>
    public List<IdentityFace> IdentityFaces(string identity)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, path, box_x, box_y, box_w, box_h, source, several FROM faces WHERE identity = $id ORDER BY path";
        cmd.Parameters.AddWithValue("$id", identity);
        var list = new List<IdentityFace>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new IdentityFace(r.GetInt64(0), r.GetString(1), new Box(r.GetFloat(2), r.GetFloat(3), r.GetFloat(4), r.GetFloat(5)), Enum.Parse<FaceSource>(r.GetString(6)), r.GetInt64(7) != 0));
        return list;
    }

    /// <summary>One stored face with its embedding, or null.</summary>
    public StoredFace? Face(long id)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT id, identity, path, embedding FROM faces WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new StoredFace(r.GetInt64(0), r.GetString(1), r.GetString(2), MemoryMarshal.Cast<byte, float>((byte[])r[3]).ToArray()) : null;
    }

    /// <summary>The aligned thumbnail (JPEG) of a stored face.</summary>
    public byte[]? Thumbnail(long faceId)
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT thumbnail FROM faces WHERE id = $id";
        cmd.Parameters.AddWithValue("$id", faceId);
        return cmd.ExecuteScalar() as byte[];
    }

    /// <summary>
    /// Files recorded as having a face whose face row is missing, counted in one statement (one snapshot): a reader
    /// that ever sees a non-zero value has seen a half-written gallery.
    /// </summary>
    public int FilesMissingTheirFace()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = $"SELECT count(*) FROM files f WHERE f.outcome IN ({OutcomeNames.WithFaceSql}) AND NOT EXISTS (SELECT 1 FROM faces x WHERE x.path = f.path)";
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    /// <inheritdoc/>
    public int FaceCount()
    {
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM faces";
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    private SqliteCommand Command(SqliteTransaction tx, string sql)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private static void Set(SqliteCommand cmd, params ReadOnlySpan<(string Name, object? Value)> values)
    {
        foreach (var (name, value) in values)
        {
            if (cmd.Parameters.Contains(name)) cmd.Parameters[name].Value = value ?? DBNull.Value;
            else cmd.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
    }

    /// <summary>Closes the database connection.</summary>
    public void Dispose() => _db.Dispose();
}
