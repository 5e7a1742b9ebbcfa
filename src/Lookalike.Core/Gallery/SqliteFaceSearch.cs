using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using System.Runtime.InteropServices;
using Lookalike.Search;
using Microsoft.Data.Sqlite;

namespace Lookalike.Gallery;

/// <summary>
/// The search over a SQLite gallery at any size: an int8 <see cref="QuantizedIndex"/> persisted beside the database
/// (<see cref="QuantizedIndexFile"/>) finds candidate faces, and the candidates' identities are scored exactly from
/// their float embeddings in the database, with the same per-identity score as <see cref="FaceIndex"/>. The file
/// covers the gallery's change log (<c>face_log</c>, filled by triggers) up to a sequence number; what came after
/// is replayed from the log (appends, removal marks), and a missing, foreign or far-behind file is rebuilt.
/// <see cref="Refresh"/> follows the gallery while the search lives (the web app calls it every few seconds).
/// </summary>
public sealed class SqliteFaceSearch : IFaceSearch, IDisposable
{
    /// <summary>Log entries replayed at open before a rebuild is cheaper: reading the changed rows costs about what reading as many rows in full does.</summary>
    private static int ReplayLimit(int rows) => Math.Max(20_000, rows / 4);

    /// <summary>Replayed entries after which the file is written again at open, so the next process starts from it.</summary>
    private const int PersistAfter = 1_000;

    /// <summary>Candidate faces from the int8 scan per identity asked for, from which the identities to score exactly are drawn.</summary>
    private const int CandidatesPerResult = 40;

    /// <summary>Identities scored exactly per identity asked for (at least 20, as the pgvector search does): their best faces come first in the scan.</summary>
    private static int IdentitiesToScore(int top) => Math.Max(4 * top, 20);

    /// <summary>
    /// At most this many identities are scored exactly per search. More only qualify when hundreds of identities lie
    /// within <see cref="Int8Margin"/> of the top-th score (near-copies of one person under many names: the 1M bench's
    /// synthetic gallery had 400+ per person and took 8 s a search, 280 s a `match`, without this bound); the result
    /// is then exact among the identities scored, which are the best by the int8 scan.
    /// </summary>
    private static int ExactBudget(int top) => 2 * IdentitiesToScore(top);

    private readonly SqliteConnection _db;
    private readonly Lock _dbLock = new();
    private readonly ReaderWriterLockSlim _indexLock = new();
    private readonly string _model;
    private readonly string _indexPath;
    private readonly Guid _gallery;
    private QuantizedIndex _index = null!;
    private Dictionary<long, int> _rowOfFace = null!;
    private Dictionary<long, int> _facesOfGroup = null!;
    private long _seq;
    private long _dataVersion = -1;

    private SqliteFaceSearch(SqliteGalleryStore store, string model, int dimension)
    {
        _model = model;
        Dimension = dimension;
        _indexPath = store.IndexPathOf(model);
        _gallery = store.GalleryId;
        _db = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store.Path, Pooling = false }.ToString());
        _db.Open();
        using var cmd = _db.CreateCommand();
        cmd.CommandText = "PRAGMA busy_timeout=30000;";
        cmd.ExecuteNonQuery();
    }

    /// <summary>Opens the persisted index of <paramref name="model"/> beside the gallery, rebuilding it (with progress) when missing or stale.</summary>
    public static SqliteFaceSearch Open(SqliteGalleryStore store, string model, int dimension, IProgress<IndexBuildProgress>? progress)
    {
        var search = new SqliteFaceSearch(store, model, dimension);
        try
        {
            search.Load(progress);
            return search;
        }
        catch
        {
            search.Dispose();
            throw;
        }
    }

    /// <summary>Embedding width (floats per face).</summary>
    public int Dimension { get; }
    /// <inheritdoc/>
    public int Count { get { _indexLock.EnterReadLock(); try { return _index.LiveCount; } finally { _indexLock.ExitReadLock(); } } }
    /// <inheritdoc/>
    public int IdentityCount { get { _indexLock.EnterReadLock(); try { return _facesOfGroup.Count; } finally { _indexLock.ExitReadLock(); } } }

    /// <summary>How the index was opened the last time: read from its file, read and brought up to date, or rebuilt from the gallery.</summary>
    public string OpenedBy { get; private set; } = "";

    private void Load(IProgress<IndexBuildProgress>? progress)
    {
        lock (_dbLock)
        {
            var dataVersion = DataVersion();
            var index = QuantizedIndexFile.Read(_indexPath, out var header);
            var existed = File.Exists(_indexPath);
            var last = Scalar("SELECT coalesce(max(seq), 0) FROM face_log");
            if (index is null || header is null || header.Model != _model || header.Dimension != Dimension || header.Gallery != _gallery
                || header.ChangeSeq > last || last - header.ChangeSeq > ReplayLimit(header.Rows))
            {
                Rebuild(progress);
                OpenedBy = existed ? "rebuilt (index file stale)" : "built (no index file)";
                return;
            }
            Install(index, header.ChangeSeq);
            var replayed = Replay();
            _dataVersion = dataVersion;
            OpenedBy = replayed == 0 ? "read" : $"read, {replayed} change(s) replayed";
            if (replayed >= PersistAfter) Persist();
        }
    }

    private void Install(QuantizedIndex index, long seq)
    {
        var rowOfFace = new Dictionary<long, int>(index.Count);
        var facesOfGroup = new Dictionary<long, int>();
        for (var row = 0; row < index.Count; row++)
        {
            if (index.IsRemoved(row)) continue;
            rowOfFace[index.KeyOf(row)] = row;
            facesOfGroup[index.GroupOf(row)] = facesOfGroup.GetValueOrDefault(index.GroupOf(row)) + 1;
        }
        _indexLock.EnterWriteLock();
        try
        {
            (_index, _rowOfFace, _facesOfGroup, _seq) = (index, rowOfFace, facesOfGroup, seq);
        }
        finally
        {
            _indexLock.ExitWriteLock();
        }
    }

    /// <summary>Reads every face of the model in one snapshot, quantises it and writes the index file. Call under <see cref="_dbLock"/>.</summary>
    private void Rebuild(IProgress<IndexBuildProgress>? progress)
    {
        var dataVersion = DataVersion();
        using var tx = _db.BeginTransaction(deferred: true);
        var seq = Scalar("SELECT coalesce(max(seq), 0) FROM face_log", tx);
        var total = (int)Scalar("SELECT count(*) FROM faces WHERE model = $m", tx, _model);
        var index = new QuantizedIndex(Dimension, total, growable: true);
        using (var cmd = Command("SELECT id, identity, embedding FROM faces WHERE model = $m ORDER BY id", tx, _model))
        using (var r = cmd.ExecuteReader())
        {
            var done = 0;
            progress?.Report(new IndexBuildProgress(0, total));
            while (r.Read())
            {
                index.Add(Embedding(r, 2), r.GetInt64(0), SqliteGalleryStore.Fnv1a(r.GetString(1)));
                if (++done % 10_000 == 0) progress?.Report(new IndexBuildProgress(done, Math.Max(done, total)));
            }
            progress?.Report(new IndexBuildProgress(done, done));
        }
        tx.Commit();
        Install(index, seq);
        _dataVersion = dataVersion;
        Persist();
    }

    private ReadOnlySpan<float> Embedding(SqliteDataReader r, int column)
    {
        var bytes = (byte[])r[column];
        var v = MemoryMarshal.Cast<byte, float>(bytes);
        if (v.Length != Dimension) throw new GalleryStoreException($"a face of {_model} has {v.Length} dimensions, expected {Dimension}");
        return v;
    }

    private void Persist()
    {
        QuantizedIndex index;
        long seq;
        _indexLock.EnterReadLock();
        try
        {
            (index, seq) = (_index, _seq);
            try
            {
                QuantizedIndexFile.Write(_indexPath, index, _gallery, _model, seq);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A read-only folder: the search works from memory, and the next process rebuilds again.
                Trace.TraceWarning($"cannot write the search index {_indexPath}: {e.Message}");
            }
        }
        finally
        {
            _indexLock.ExitReadLock();
        }
    }

    /// <inheritdoc/>
    public bool Refresh()
    {
        lock (_dbLock)
        {
            var dataVersion = DataVersion();
            if (dataVersion == _dataVersion) return false;
            int rows;
            _indexLock.EnterReadLock();
            try { rows = _index.LiveCount; } finally { _indexLock.ExitReadLock(); }
            if (Scalar("SELECT count(*) FROM face_log WHERE seq > $s", null, _seq) > ReplayLimit(rows))
            {
                Rebuild(null);
                return true;
            }
            var replayed = Replay();
            _dataVersion = dataVersion;
            return replayed > 0;
        }
    }

    /// <summary>Applies the change log after <see cref="_seq"/>, read in one snapshot. Call under <see cref="_dbLock"/>.</summary>
    private int Replay()
    {
        var changes = new List<(long Seq, long Face, bool Added, string? Identity, float[]? Embedding)>();
        using (var tx = _db.BeginTransaction(deferred: true))
        {
            // An added face that is gone (or of another model) by now joins to nothing: only its removal, if any, is applied.
            using var cmd = Command("""
                SELECT l.seq, l.face_id, l.added, f.identity, f.embedding FROM face_log l
                LEFT JOIN faces f ON l.added = 1 AND f.id = l.face_id AND f.model = $m
                WHERE l.seq > $s ORDER BY l.seq
                """, tx, _model, _seq);
            using var r = cmd.ExecuteReader();
            while (r.Read())
                changes.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt64(2) != 0, r.IsDBNull(3) ? null : r.GetString(3),
                    r.IsDBNull(4) ? null : Embedding(r, 4).ToArray()));
            tx.Commit();
        }
        if (changes.Count == 0) return 0;
        _indexLock.EnterWriteLock();
        try
        {
            foreach (var c in changes)
            {
                if (!c.Added)
                {
                    if (!_rowOfFace.Remove(c.Face, out var row)) continue;
                    _index.Remove(row);
                    var group = _index.GroupOf(row);
                    if (--CollectionsMarshal.GetValueRefOrNullRef(_facesOfGroup, group) == 0) _facesOfGroup.Remove(group);
                }
                else if (c.Embedding is not null && !_rowOfFace.ContainsKey(c.Face))
                {
                    var group = SqliteGalleryStore.Fnv1a(c.Identity!);
                    _rowOfFace[c.Face] = _index.Add(c.Embedding, c.Face, group);
                    CollectionsMarshal.GetValueRefOrAddDefault(_facesOfGroup, group, out _)++;
                }
            }
            _seq = changes[^1].Seq;
        }
        finally
        {
            _indexLock.ExitWriteLock();
        }
        return changes.Count;
    }

    /// <summary>
    /// How far an int8 cosine may fall below the float one (per-row scales on 512-d unit vectors: well under 0.01
    /// measured; recall@10 1.000 in the bench): an identity whose best face scores below the top-th exact identity
    /// score minus this cannot reach the top, since an identity's score is at most its best face's cosine.
    /// </summary>
    private const float Int8Margin = 0.03f;

    /// <inheritdoc/>
    public IReadOnlyList<IdentityMatch> Search(ReadOnlySpan<float> query, int top = 5)
    {
        if (query.Length != Dimension) throw new ArgumentException($"query has {query.Length} dimensions, expected {Dimension}");
        if (top <= 0) return [];
        var q = query.ToArray();
        for (var candidates = CandidatesPerResult * top; ; candidates *= 4)
        {
            // Per identity, its best face by the int8 scan, best first.
            List<(long Face, float Score)> identities;
            bool all, exhausted;
            _indexLock.EnterReadLock();
            try
            {
                if (_index.LiveCount == 0) return [];
                // Asked for (nearly) every identity: score them all exactly, as the whole-gallery scan did.
                all = top >= _facesOfGroup.Count;
                var rows = all ? [] : _index.Search(q, Math.Min(_index.LiveCount, candidates));
                exhausted = rows.Length >= _index.LiveCount;
                var groups = new HashSet<long>();
                identities = [.. rows.Where(r => groups.Add(_index.GroupOf(r.Row))).Select(r => (_index.KeyOf(r.Row), r.Score))];
            }
            finally
            {
                _indexLock.ExitReadLock();
            }
            if (all) return new FaceIndex(FacesOf(null), Dimension).Search(q, top);
            // The best few identities exactly, then any other whose best face could still beat the top-th of them.
            var scored = Math.Min(identities.Count, IdentitiesToScore(top));
            var faces = FacesOf(identities.Take(scored).Select(i => i.Face));
            IReadOnlyList<IdentityMatch> result;
            while (true)
            {
                result = new FaceIndex(faces, Dimension).Search(q, top);
                var bar = result.Count < top ? float.NegativeInfinity : result[^1].Similarity - Int8Margin;
                var more = identities.Skip(scored).TakeWhile(i => i.Score >= bar).Take(ExactBudget(top) - scored).Select(i => i.Face).ToList();
                if (more.Count == 0) break;
                scored += more.Count;
                faces = [.. faces.Concat(FacesOf(more)).OrderBy(f => f.Id)]; // row order as the whole-gallery scan has it (ties go to the lower id)
            }
            // An identity outside the candidate faces could still qualify only if the last candidate is above the bar.
            var last = identities.Count > 0 ? identities[^1].Score : float.NegativeInfinity;
            if (exhausted || scored >= ExactBudget(top) || result.Count == top && last < result[^1].Similarity - Int8Margin) return result;
        }
    }

    /// <summary>Every face of the identities of <paramref name="faceIds"/> (null: of every identity), by id, with float embeddings.</summary>
    private List<StoredFace> FacesOf(IEnumerable<long>? faceIds)
    {
        var faces = new List<StoredFace>();
        lock (_dbLock)
        {
            using var cmd = faceIds is null
                ? Command("SELECT id, identity, path, embedding FROM faces WHERE model = $m ORDER BY id", null, _model)
                : Command("""
                    SELECT id, identity, path, embedding FROM faces WHERE model = $m AND identity IN
                        (SELECT identity FROM faces WHERE id IN (SELECT value FROM json_each($s))) ORDER BY id
                    """, null, _model, "[" + string.Join(",", faceIds.Select(c => c.ToString(CultureInfo.InvariantCulture))) + "]");
            using var r = cmd.ExecuteReader();
            while (r.Read()) faces.Add(new StoredFace(r.GetInt64(0), r.GetString(1), r.GetString(2), Embedding(r, 3).ToArray()));
        }
        return faces;
    }

    private long DataVersion() => Scalar("PRAGMA data_version");

    private long Scalar(string sql, SqliteTransaction? tx = null, object? m = null)
    {
        using var cmd = Command(sql, tx, m);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private SqliteCommand Command(string sql, SqliteTransaction? tx, object? m = null, object? s = null)
    {
        var cmd = _db.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = sql;
        if (m is not null) cmd.Parameters.AddWithValue(sql.Contains("$m", StringComparison.Ordinal) ? "$m" : "$s", m);
        if (s is not null) cmd.Parameters.AddWithValue("$s", s);
        return cmd;
    }

    /// <summary>Closes its own database connection and releases its lock.</summary>
    public void Dispose()
    {
        _db.Dispose();
        _indexLock.Dispose();
    }
}
