using System.Runtime.InteropServices;
using Lookalike.Faces;
using Lookalike.Search;
using Npgsql;
using Pgvector;

namespace Lookalike.Gallery;

/// <summary>
/// The gallery in PostgreSQL with the pgvector extension: the same rows as <see cref="SqliteGalleryStore"/>, the
/// embedding as <c>vector(640)</c> under an HNSW cosine index (shorter embeddings zero-padded, which leaves every
/// cosine as it was; <c>dims</c> keeps their own length), so many app instances can share one gallery and
/// search it in the server. Writes are one transaction per batch and use <c>unnest</c> arrays (one round trip per
/// table, no COPY), which also works on PGlite, the stand-in server the tests run.
/// </summary>
public sealed class PostgresGalleryStore : IGalleryStore
{
    /// <summary>
    /// Embedding width of the <c>vector</c> column of a new gallery (the HNSW index needs a fixed one): the fused
    /// default's 640 (<see cref="Models.FusedModel"/>); a 512-d stock embedding is stored zero-padded. Galleries created
    /// before the fused default have a 512-d column and keep it (<see cref="Dimension"/>).
    /// </summary>
    public const int NewDimension = 640;

    private readonly NpgsqlDataSource _db;

    /// <summary>This gallery's column width: <see cref="NewDimension"/>, or 512 for a gallery created before it.</summary>
    public int Dimension { get; private set; } = NewDimension;

    /// <summary>Connects to the server at <paramref name="location"/> (postgres:// URL or connection string) and creates the schema if needed; throws <see cref="GalleryStoreException"/> when it cannot.</summary>
    public PostgresGalleryStore(string location)
    {
        var connection = ConnectionString(location);
        Location = Redacted(connection);
        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseVector();
        _db = builder.Build();
        try
        {
            CreateSchema();
        }
        catch (Exception e) when (e is NpgsqlException or PostgresException or InvalidOperationException)
        {
            _db.Dispose();
            throw new GalleryStoreException($"cannot open the PostgreSQL gallery at {Location}: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public string Location { get; }

    private void CreateSchema()
    {
        using var c = _db.OpenConnection();
        using (var tx = c.BeginTransaction())
        {
            // Several app instances may start at once: one creates the schema, the others wait for it.
            Execute(c, tx, "SELECT pg_advisory_xact_lock(7274461)");
            Execute(c, tx, $"""
                CREATE EXTENSION IF NOT EXISTS vector;
                CREATE TABLE IF NOT EXISTS gallery_files(
                    path text PRIMARY KEY,
                    identity text NOT NULL,
                    sha256 text NOT NULL,
                    size bigint NOT NULL,
                    mtime bigint NOT NULL,
                    outcome text NOT NULL,
                    detail text,
                    model text NOT NULL,
                    indexed_at timestamptz NOT NULL);
                CREATE TABLE IF NOT EXISTS gallery_faces(
                    id bigserial PRIMARY KEY,
                    path text NOT NULL REFERENCES gallery_files(path) ON DELETE CASCADE,
                    identity text NOT NULL,
                    model text NOT NULL,
                    embedding vector({NewDimension}) NOT NULL,
                    box_x real NOT NULL, box_y real NOT NULL, box_w real NOT NULL, box_h real NOT NULL,
                    score real NOT NULL,
                    landmarks bytea NOT NULL,
                    source text NOT NULL,
                    several boolean NOT NULL,
                    thumbnail bytea NOT NULL);
                CREATE INDEX IF NOT EXISTS gallery_faces_identity ON gallery_faces(identity);
                CREATE INDEX IF NOT EXISTS gallery_faces_path ON gallery_faces(path);
                CREATE INDEX IF NOT EXISTS gallery_files_identity ON gallery_files(identity);
                CREATE INDEX IF NOT EXISTS gallery_faces_embedding ON gallery_faces USING hnsw (embedding vector_cosine_ops);
                ALTER TABLE gallery_faces ADD COLUMN IF NOT EXISTS dims smallint;
                UPDATE gallery_files SET sha256 = '' WHERE starts_with(sha256, '{GalleryStore.LegacyUnreadableHashPrefix}');
                """);
            tx.Commit();
        }
        // The data source loaded its types before 'vector' may have existed.
        c.ReloadTypes();
        // pgvector keeps a vector column's width as its type modifier.
        using var width = new NpgsqlCommand("SELECT atttypmod FROM pg_attribute WHERE attrelid = 'gallery_faces'::regclass AND attname = 'embedding'", c);
        Dimension = Convert.ToInt32(width.ExecuteScalar());
    }

    /// <summary>An embedding as a column <paramref name="width"/> wide holds it: zero-padded (cosines unchanged).</summary>
    internal static Vector Padded(ReadOnlySpan<float> embedding, int width)
    {
        var padded = new float[width];
        embedding.CopyTo(padded);
        return new Vector(padded);
    }

    /// <summary>Refuses embeddings wider than this gallery's column, with the reason and the way out.</summary>
    private void RequireFits(int dimension)
    {
        if (dimension > Dimension)
            throw new GalleryStoreException($"this PostgreSQL gallery was created with a {Dimension}-d embedding column and cannot hold {dimension}-d " +
                                            $"embeddings: use a new database for this model, or --model stock");
    }

    /// <summary>A stored face with its embedding cut back to its own length (<c>dims</c>; null: the column's width).</summary>
    private static StoredFace ReadFace(NpgsqlDataReader r)
    {
        var e = r.GetFieldValue<Vector>(3).Memory;
        var dims = r.IsDBNull(4) ? e.Length : r.GetInt16(4);
        return new StoredFace(r.GetInt64(0), r.GetString(1), r.GetString(2), e[..dims].ToArray());
    }

    /// <inheritdoc/>
    public Dictionary<string, FileRecord> FilesUnder(string root)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT path, identity, sha256, size, mtime, outcome, detail, model FROM gallery_files WHERE starts_with(path, $1)", c);
        cmd.Parameters.AddWithValue(root.TrimEnd('/') + "/");
        return GalleryStore.ReadFiles(cmd).ToDictionary(f => f.Path, StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public void Write(IReadOnlyList<FileResult> results)
    {
        // One row per path (the last result wins), as the SQLite store's row-by-row upsert leaves it.
        var rows = results.GroupBy(r => r.File.Path, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        var faces = rows.Where(r => r.Face is not null).ToList();
        foreach (var r in faces) RequireFits(r.Face!.Embedding.Length);
        var vectors = faces.Select(r => Padded(r.Face!.Embedding, Dimension)).ToArray();

        using var c = _db.OpenConnection();
        using var tx = c.BeginTransaction();
        var paths = rows.Select(r => r.File.Path).ToArray();
        using (var delete = new NpgsqlCommand("DELETE FROM gallery_faces WHERE path = ANY($1)", c, tx))
        {
            delete.Parameters.AddWithValue(paths);
            delete.ExecuteNonQuery();
        }
        using (var upsert = new NpgsqlCommand("""
            INSERT INTO gallery_files(path, identity, sha256, size, mtime, outcome, detail, model, indexed_at)
            SELECT u.*, now() FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[], $6::text[], $7::text[], $8::text[]) AS u
            ON CONFLICT (path) DO UPDATE SET identity=excluded.identity, sha256=excluded.sha256, size=excluded.size,
                mtime=excluded.mtime, outcome=excluded.outcome, detail=excluded.detail, model=excluded.model,
                indexed_at=excluded.indexed_at
            """, c, tx))
        {
            Add(upsert, paths, rows.Select(r => r.File.Identity).ToArray(), rows.Select(r => r.File.Sha256).ToArray(), rows.Select(r => r.File.Size).ToArray(),
                rows.Select(r => r.File.MtimeTicks).ToArray(), rows.Select(r => r.File.Outcome.Name()).ToArray(), rows.Select(r => r.File.Detail).ToArray(),
                rows.Select(r => r.File.Model).ToArray());
            upsert.ExecuteNonQuery();
        }
        if (faces.Count > 0)
        {
            using var insert = new NpgsqlCommand("""
                INSERT INTO gallery_faces(path, identity, model, embedding, dims, box_x, box_y, box_w, box_h, score, landmarks, source, several, thumbnail)
                SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::vector[], $5::smallint[], $6::real[], $7::real[], $8::real[],
                                     $9::real[], $10::real[], $11::bytea[], $12::text[], $13::boolean[], $14::bytea[])
                """, c, tx);
            Add(insert, faces.Select(r => r.File.Path).ToArray(), faces.Select(r => r.File.Identity).ToArray(), faces.Select(r => r.File.Model).ToArray(),
                vectors, faces.Select(r => (short)r.Face!.Embedding.Length).ToArray(), faces.Select(r => r.Face!.Box.X).ToArray(), faces.Select(r => r.Face!.Box.Y).ToArray(),
                faces.Select(r => r.Face!.Box.Width).ToArray(), faces.Select(r => r.Face!.Box.Height).ToArray(), faces.Select(r => r.Face!.Score).ToArray(),
                faces.Select(r => MemoryMarshal.AsBytes(r.Face!.Landmarks.AsSpan()).ToArray()).ToArray(), faces.Select(r => r.Face!.Source.ToString()).ToArray(),
                faces.Select(r => r.File.Outcome == Outcome.MultipleFaces).ToArray(), faces.Select(r => r.Face!.Thumbnail).ToArray());
            insert.ExecuteNonQuery();
        }
        tx.Commit();
    }

    /// <inheritdoc/>
    public void Touch(IReadOnlyList<FileRecord> files)
    {
        if (files.Count == 0) return;
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("""
            UPDATE gallery_files f SET mtime = u.mtime, size = u.size
            FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(path, mtime, size) WHERE f.path = u.path
            """, c);
        Add(cmd, files.Select(f => f.Path).ToArray(), files.Select(f => f.MtimeTicks).ToArray(), files.Select(f => f.Size).ToArray());
        cmd.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public void RemoveFiles(IReadOnlyCollection<string> paths)
    {
        if (paths.Count == 0) return;
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("DELETE FROM gallery_files WHERE path = ANY($1)", c);
        cmd.Parameters.AddWithValue(paths.ToArray());
        cmd.ExecuteNonQuery();
    }

    /// <inheritdoc/>
    public int RemoveIdentity(string identity)
    {
        int removed;
        using var c = _db.OpenConnection();
        using (var tx = c.BeginTransaction())
        {
            using var del = new NpgsqlCommand("DELETE FROM gallery_faces WHERE identity = $1", c, tx);
            del.Parameters.AddWithValue(identity);
            removed = del.ExecuteNonQuery();
            using var files = new NpgsqlCommand("DELETE FROM gallery_files WHERE identity = $1", c, tx);
            files.Parameters.AddWithValue(identity);
            files.ExecuteNonQuery();
            tx.Commit();
        }
        // Frees the dead rows for reuse; unlike SQLite's VACUUM it does not rewrite the files (VACUUM FULL would lock the tables).
        Execute(c, null, "VACUUM gallery_faces");
        Execute(c, null, "VACUUM gallery_files");
        return removed;
    }

    /// <inheritdoc/>
    public List<IdentitySummary> Identities(int offset = 0, int? limit = null)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("""
            SELECT f.identity, (SELECT count(*) FROM gallery_faces x WHERE x.identity = f.identity), count(*),
                   (SELECT min(id) FROM gallery_faces x WHERE x.identity = f.identity)
            FROM gallery_files f WHERE f.identity <> '' GROUP BY f.identity ORDER BY f.identity COLLATE "C" LIMIT $1 OFFSET $2
            """, c);
        // LIMIT NULL is no limit.
        cmd.Parameters.Add(new NpgsqlParameter { Value = limit is { } l ? Math.Max(0L, l) : DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint });
        cmd.Parameters.AddWithValue((long)Math.Max(0, offset));
        var list = new List<IdentitySummary>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(new IdentitySummary(r.GetString(0), (int)r.GetInt64(1), (int)r.GetInt64(2), r.IsDBNull(3) ? null : r.GetInt64(3)));
        return list;
    }

    /// <inheritdoc/>
    public List<string> IdentityNames()
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT DISTINCT identity COLLATE \"C\" FROM gallery_files WHERE identity <> '' ORDER BY 1", c);
        var list = new List<string>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(r.GetString(0));
        return list;
    }

    /// <inheritdoc/>
    public int IdentityCount() => Count("SELECT count(DISTINCT identity) FROM gallery_files WHERE identity <> ''");

    private static readonly string PhotoSql = PhotoFiles.SqlCondition(n => $"right(path, {n})");

    /// <inheritdoc/>
    public (List<FileRecord> Files, int Total) Photos(int offset, int limit)
    {
        using var c = _db.OpenConnection();
        using var tx = c.BeginTransaction(System.Data.IsolationLevel.RepeatableRead);
        using var page = new NpgsqlCommand($"""
            SELECT path, identity, sha256, size, mtime, outcome, detail, model FROM gallery_files WHERE {PhotoSql}
            ORDER BY path COLLATE "C" LIMIT $1 OFFSET $2
            """, c, tx);
        page.Parameters.AddWithValue((long)Math.Max(0, limit));
        page.Parameters.AddWithValue((long)Math.Max(0, offset));
        var files = GalleryStore.ReadFiles(page);
        using var count = new NpgsqlCommand($"SELECT count(*) FROM gallery_files WHERE {PhotoSql}", c, tx);
        var total = Convert.ToInt32(count.ExecuteScalar());
        tx.Commit();
        return (files, total);
    }

    /// <inheritdoc/>
    public (string? First, string? Last) PathRange()
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand($"""
            SELECT min(path COLLATE "C"), max(path COLLATE "C") FROM gallery_files
            WHERE NOT starts_with(path, '{PhotoFiles.UploadPrefix}')
            """, c);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1));
    }

    /// <inheritdoc/>
    public List<(long Id, string Identity)> FaceIdentities(string model)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id, identity FROM gallery_faces WHERE model = $1", c);
        cmd.Parameters.AddWithValue(model);
        var list = new List<(long, string)>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add((r.GetInt64(0), r.GetString(1)));
        return list;
    }

    /// <inheritdoc/>
    public List<StoredFace> FacesById(IReadOnlyCollection<long> ids)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id, identity, path, embedding, dims FROM gallery_faces WHERE id = ANY($1) ORDER BY id", c);
        cmd.Parameters.AddWithValue(ids.ToArray());
        var list = new List<StoredFace>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(ReadFace(r));
        return list;
    }

    /// <inheritdoc/>
    public List<FileRecord> Files()
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT path, identity, sha256, size, mtime, outcome, detail, model FROM gallery_files ORDER BY path COLLATE \"C\"", c);
        return GalleryStore.ReadFiles(cmd);
    }

    /// <inheritdoc/>
    public List<StoredFace> Faces(string model)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id, identity, path, embedding, dims FROM gallery_faces WHERE model = $1 ORDER BY id", c);
        cmd.Parameters.AddWithValue(model);
        var list = new List<StoredFace>();
        using var r = cmd.ExecuteReader();
        while (r.Read()) list.Add(ReadFace(r));
        return list;
    }

    /// <inheritdoc/>
    public List<IdentityFace> IdentityFaces(string identity)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id, path, box_x, box_y, box_w, box_h, source, several FROM gallery_faces WHERE identity = $1 ORDER BY path COLLATE \"C\"", c);
        cmd.Parameters.AddWithValue(identity);
        var list = new List<IdentityFace>();
        using var r = cmd.ExecuteReader();
        while (r.Read())
            list.Add(new IdentityFace(r.GetInt64(0), r.GetString(1), new Box(r.GetFloat(2), r.GetFloat(3), r.GetFloat(4), r.GetFloat(5)), Enum.Parse<FaceSource>(r.GetString(6)), r.GetBoolean(7)));
        return list;
    }

    /// <inheritdoc/>
    public StoredFace? Face(long id)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT id, identity, path, embedding, dims FROM gallery_faces WHERE id = $1", c);
        cmd.Parameters.AddWithValue(id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadFace(r) : null;
    }

    /// <inheritdoc/>
    public byte[]? Thumbnail(long faceId)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT thumbnail FROM gallery_faces WHERE id = $1", c);
        cmd.Parameters.AddWithValue(faceId);
        return cmd.ExecuteScalar() as byte[];
    }

    /// <inheritdoc/>
    public int FilesMissingTheirFace() => Count($"""
        SELECT count(*) FROM gallery_files f WHERE f.outcome IN ({OutcomeNames.WithFaceSql})
            AND NOT EXISTS (SELECT 1 FROM gallery_faces x WHERE x.path = f.path)
        """);

    /// <inheritdoc/>
    public int FaceCount() => Count("SELECT count(*) FROM gallery_faces");

    private int Count(string sql)
    {
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt32(cmd.ExecuteScalar());
    }

    /// <summary>A search that runs in the server, over the faces as they are at each query (<see cref="GallerySearch.Open"/> calls it).</summary>
    public IFaceSearch Search(string model, int dimension)
    {
        RequireFits(dimension);
        using var c = _db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT count(*), count(DISTINCT identity) FROM gallery_faces WHERE model = $1", c);
        cmd.Parameters.AddWithValue(model);
        using var r = cmd.ExecuteReader();
        r.Read();
        return new PgvectorSearch(_db, model, Dimension, (int)r.GetInt64(0), (int)r.GetInt64(1));
    }

    private static void Execute(NpgsqlConnection c, NpgsqlTransaction? tx, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c, tx);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Adds each sequence as one array parameter ($1, $2, ... in order).</summary>
    private static void Add(NpgsqlCommand cmd, params Array[] columns)
    {
        foreach (var column in columns) cmd.Parameters.Add(new NpgsqlParameter { Value = column });
    }

    /// <summary>
    /// An Npgsql connection string from a postgres:// URL (user, password, host, port, database; query keys are
    /// Npgsql keywords, with libpq's sslmode understood), or the string itself when it is already one.
    /// </summary>
    public static string ConnectionString(string location)
    {
        if (!location.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) &&
            !location.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return new NpgsqlConnectionStringBuilder(location).ConnectionString;
        if (!Uri.TryCreate(location, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
            throw new GalleryStoreException($"not a PostgreSQL URL: {location} (expected postgres://user:password@host:port/database)");
        var b = new NpgsqlConnectionStringBuilder { Host = uri.Host, Port = uri.IsDefaultPort || uri.Port < 0 ? 5432 : uri.Port };
        var user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0) b.Username = Uri.UnescapeDataString(user[0]);
        if (user.Length > 1) b.Password = Uri.UnescapeDataString(user[1]);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0) b.Database = database;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            var key = Uri.UnescapeDataString(kv[0].Replace('+', ' '));
            var value = kv.Length > 1 ? Uri.UnescapeDataString(kv[1].Replace('+', ' ')) : "";
            try
            {
                b[key.Equals("sslmode", StringComparison.OrdinalIgnoreCase) ? "SSL Mode" : key] = value;
            }
            catch (ArgumentException e)
            {
                throw new GalleryStoreException($"unknown PostgreSQL connection option '{key}' in the URL: {e.Message}", e);
            }
        }
        return b.ConnectionString;
    }

    private static string Redacted(string connection)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        return $"postgres://{(string.IsNullOrEmpty(b.Username) ? "" : b.Username + "@")}{b.Host}:{b.Port}/{b.Database}";
    }

    /// <inheritdoc/>
    public void Dispose() => _db.Dispose();
}

/// <summary>
/// Search in PostgreSQL: pgvector's HNSW index gives the nearest faces, whose identities are then scored exactly in
/// the server (the mean of each one's best <see cref="FaceIndex.FacesPerIdentity"/> cosines, as <see cref="FaceIndex"/> does).
/// </summary>
internal sealed class PgvectorSearch(NpgsqlDataSource db, string model, int columnDimension, int count, int identityCount) : IFaceSearch
{
    /// <summary>Faces the HNSW index returns per query (its ef_search), from which candidate identities are drawn.</summary>
    public const int Candidates = 200;

    private volatile int _count = count;
    private volatile int _identityCount = identityCount;

    public int Count => _count;
    public int IdentityCount => _identityCount;

    /// <summary>Candidates are found in the server at each query; only the counts are read again.</summary>
    public bool Refresh()
    {
        using var c = db.OpenConnection();
        using var cmd = new NpgsqlCommand("SELECT count(*), count(DISTINCT identity) FROM gallery_faces WHERE model = $1", c);
        cmd.Parameters.AddWithValue(model);
        using var r = cmd.ExecuteReader();
        r.Read();
        var (faces, identities) = ((int)r.GetInt64(0), (int)r.GetInt64(1));
        var changed = faces != _count || identities != _identityCount;
        (_count, _identityCount) = (faces, identities);
        return changed;
    }

    public IReadOnlyList<IdentityMatch> Search(ReadOnlySpan<float> query, int top = 5)
    {
        if (top <= 0) return [];
        var probe = PostgresGalleryStore.Padded(query, columnDimension);
        using var c = db.OpenConnection();
        using var tx = c.BeginTransaction();
        using (var ef = new NpgsqlCommand($"SET LOCAL hnsw.ef_search = {Candidates}", c, tx)) ef.ExecuteNonQuery();
        var identities = new List<string>();
        using (var nearest = new NpgsqlCommand("SELECT identity FROM gallery_faces WHERE model = $2 ORDER BY embedding <=> $1 LIMIT $3", c, tx))
        {
            nearest.Parameters.AddWithValue(probe);
            nearest.Parameters.AddWithValue(model);
            nearest.Parameters.AddWithValue(Candidates);
            using var r = nearest.ExecuteReader();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            // More identities than asked for: their exact scores below can reorder them.
            while (r.Read() && identities.Count < Math.Max(4 * top, 20))
                if (seen.Add(r.GetString(0))) identities.Add(r.GetString(0));
        }
        if (identities.Count == 0) return [];
        using var exact = new NpgsqlCommand($"""
            SELECT identity, id, path, sim, n FROM (
                SELECT identity, id, path, 1 - (embedding <=> $1) AS sim,
                       row_number() OVER (PARTITION BY identity ORDER BY embedding <=> $1, id) AS r,
                       count(*) OVER (PARTITION BY identity) AS n
                FROM gallery_faces WHERE model = $2 AND identity = ANY($3)) t
            WHERE r <= {FaceIndex.FacesPerIdentity} ORDER BY identity, r
            """, c, tx);
        exact.Parameters.AddWithValue(probe);
        exact.Parameters.AddWithValue(model);
        exact.Parameters.AddWithValue(identities.ToArray());
        var best = new List<(string Identity, long Id, string Path, float Sim, int Faces)>();
        using (var r = exact.ExecuteReader())
            while (r.Read()) best.Add((r.GetString(0), r.GetInt64(1), r.GetString(2), (float)r.GetDouble(3), (int)r.GetInt64(4)));
        tx.Commit();
        return [.. best.GroupBy(b => b.Identity)
            .Select(g => new IdentityMatch(g.Key, g.Average(x => x.Sim), g.First().Sim, g.First().Id, g.First().Path, g.First().Faces))
            .OrderByDescending(m => m.Similarity).Take(top)];
    }
}
