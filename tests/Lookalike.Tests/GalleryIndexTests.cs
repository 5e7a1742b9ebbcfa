using System.Numerics.Tensors;
using System.Text.Json;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;

namespace Lookalike.Tests;

/// <summary>
/// The persisted int8 search index of a SQLite gallery (issue #14): written beside the database, reopened from its
/// file, rebuilt when missing, foreign or stale, following changes made through another connection (the store API
/// of another process, or plain SQL), and giving the same answers incrementally as after a full rebuild and as the
/// exact whole-gallery scan. Real models, real photos, real SQLite files.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class GalleryIndexTests(PipelineFixture fx)
{
    // The default model: the server under test runs it.
    private string Model => fx.Default.ModelId;
    private int Dimension => fx.Default.Dimension;

    /// <summary>jp-politicians indexed into a new gallery file (18 photos, 9 identities).</summary>
    private string NewGallery(TempDir tmp)
    {
        var db = tmp["g.db"];
        using var store = new SqliteGalleryStore(db);
        new GalleryIndexer(fx.Default, store).Index(Path.Combine(Shared.Set("jp-politicians"), "images"));
        return db;
    }

    private static float[] Perturbed(float[] e, Random random, float noise)
    {
        var v = e.Select(x => x + noise * (float)(random.NextDouble() - 0.5)).ToArray();
        TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
        return v;
    }

    /// <summary>Adds <paramref name="count"/> faces under new identities (perturbed copies of stored faces, 3 per identity) through the store API.</summary>
    private void AddSynthetic(IGalleryStore store, int count, int seed, string prefix)
    {
        var random = new Random(seed);
        var source = store.Faces(Model);
        var thumbnail = store.Thumbnail(source[0].Id)!;
        var results = new List<FileResult>();
        for (var i = 0; i < count; i++)
        {
            var f = source[i % source.Count];
            var identity = $"{prefix} {i / 3}";
            var path = $"synthetic:{prefix}/{i}";
            var face = new Face(new Box(0, 0, 112, 112), 0.9f, new PointF[68], Perturbed(f.Embedding, random, 0.05f), 5f, 0.9f, FaceSource.Primary, thumbnail);
            results.Add(new FileResult(new FileRecord(path, identity, $"{i:x64}", 1, 1, Outcome.Indexed, null, Model), face));
        }
        store.Write(results);
    }

    private static List<float[]> Queries(IGalleryStore store, string model, int seed) =>
        [.. store.Faces(model).Select((f, i) => Perturbed(f.Embedding, new Random(seed + i), 0.05f))];

    private static void AssertSameAnswers(IFaceSearch expected, IFaceSearch actual, IReadOnlyList<float[]> queries)
    {
        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.IdentityCount, actual.IdentityCount);
        foreach (var q in queries)
        {
            var a = expected.Search(q, 3);
            var b = actual.Search(q, 3);
            Assert.Equal(a.Select(m => m.Identity), b.Select(m => m.Identity));
            Assert.Equal(a.Select(m => m.BestFaceId), b.Select(m => m.BestFaceId));
            for (var i = 0; i < a.Count; i++) Assert.Equal(a[i].Similarity, b[i].Similarity, 1e-5);
        }
    }

    [Fact]
    public void The_index_is_written_beside_the_gallery_reopened_from_its_file_and_rebuilt_when_missing_or_foreign()
    {
        using var tmp = new TempDir();
        var db = NewGallery(tmp);
        using var store = new SqliteGalleryStore(db);
        var path = store.IndexPathOf(Model);
        Assert.False(File.Exists(path));

        using (var first = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension))
        {
            Assert.Equal("built (no index file)", first.OpenedBy);
            Assert.Equal(store.FaceCount(), first.Count);
            Assert.Equal(9, first.IdentityCount);
        }
        var header = QuantizedIndexFile.ReadHeader(path)!;
        Assert.Equal((Dimension, Model, store.GalleryId, store.FaceCount()), (header.Dimension, header.Model, header.Gallery, header.Rows));

        var exact = new FaceIndex(store.Faces(Model), Dimension);
        using (var reopened = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension))
        {
            Assert.Equal("read", reopened.OpenedBy);
            AssertSameAnswers(exact, reopened, Queries(store, Model, 1));
        }

        // Another gallery's index file (a copy, a restored backup): same name, foreign gallery id.
        using var other = new TempDir();
        var otherDb = NewGallery(other);
        using (var otherStore = new SqliteGalleryStore(otherDb))
        using ((SqliteFaceSearch)GallerySearch.Open(otherStore, Model, Dimension)) File.Copy(otherStore.IndexPathOf(Model), path, overwrite: true);
        using (var foreign = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension))
            Assert.Equal("rebuilt (index file stale)", foreign.OpenedBy);

        // A file cut short, or of another format version, is not read.
        File.WriteAllBytes(path, File.ReadAllBytes(path)[..1000]);
        Assert.Null(QuantizedIndexFile.ReadHeader(path));
        using (var truncated = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension))
        {
            Assert.Equal("rebuilt (index file stale)", truncated.OpenedBy);
            AssertSameAnswers(exact, truncated, Queries(store, Model, 2));
        }
    }

    [Fact]
    public void Incremental_adds_and_removals_give_the_answers_of_a_full_rebuild()
    {
        using var tmp = new TempDir();
        var db = NewGallery(tmp);
        using var opener = new SqliteGalleryStore(db);
        using var search = (SqliteFaceSearch)GallerySearch.Open(opener, Model, Dimension);
        Assert.False(search.Refresh());
        var removedIds = opener.IdentityFaces("岸田文雄").Select(f => f.Id).ToHashSet();

        // Another process's writes: a second store (its own connection) adds 300 faces, removes an identity and a file.
        using (var writer = new SqliteGalleryStore(db))
        {
            AddSynthetic(writer, 300, 7, "added");
            Assert.True(writer.RemoveIdentity("岸田文雄") > 0);
            Assert.True(writer.RemoveIdentity("added 5") > 0);
            writer.RemoveFiles(["synthetic:added/20"]);
        }
        Assert.True(search.Refresh());
        Assert.False(search.Refresh());

        using var store = new SqliteGalleryStore(db);
        Assert.Equal(store.FaceCount(), search.Count);
        var queries = Queries(store, Model, 3);
        AssertSameAnswers(new FaceIndex(store.Faces(Model), Dimension), search, queries);

        // The removed identity's rows are zeroed in the index file in place: no trace of its faces stays there either.
        var file = QuantizedIndexFile.Read(store.IndexPathOf(Model), out _)!;
        var removedRows = Enumerable.Range(0, file.Count).Where(r => removedIds.Contains(file.KeyOf(r))).ToList();
        Assert.Equal(removedIds.Count, removedRows.Count);
        Assert.All(removedRows, r => Assert.True(file.GroupOf(r) == 0 && file.ScaleOf(r) == 0 && !file.CodesOf(r).ContainsAnyExcept((sbyte)0)));
        Assert.Equal(removedIds.Count, Enumerable.Range(0, file.Count).Count(r => file.ScaleOf(r) == 0));

        File.Delete(store.IndexPathOf(Model));
        using var rebuilt = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension);
        Assert.Equal("built (no index file)", rebuilt.OpenedBy);
        AssertSameAnswers(rebuilt, search, queries);
    }

    [Fact]
    public void A_gallery_changed_behind_the_index_by_plain_sql_is_noticed_at_open_and_while_open()
    {
        using var tmp = new TempDir();
        var db = NewGallery(tmp);
        using var store = new SqliteGalleryStore(db);
        using ((SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension)) { }
        var photo = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images", "小泉進次郎")).Order().First();
        var query = fx.Default.Analyze(photo).Largest!.Embedding;
        using var open = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension);

        // What the scale test did: rows copied straight into the SQLite file under new identities, by another client.
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                INSERT INTO files SELECT 'copy:' || path, 'copy of ' || identity, sha256, size, mtime, outcome, detail, model, indexed_at FROM files WHERE identity = '小泉進次郎';
                INSERT INTO faces(path, identity, model, embedding, box_x, box_y, box_w, box_h, score, landmarks, source, several, thumbnail)
                    SELECT 'copy:' || path, 'copy of ' || identity, model, embedding, box_x, box_y, box_w, box_h, score, landmarks, source, several, thumbnail
                    FROM faces WHERE identity = '小泉進次郎';
                DELETE FROM faces WHERE identity = '菅義偉';
                """;
            cmd.ExecuteNonQuery();
        }
        Assert.True(open.Refresh());
        using var reopened = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension);
        Assert.StartsWith("read, ", reopened.OpenedBy);
        foreach (var s in new IFaceSearch[] { open, reopened })
        {
            Assert.Equal(store.FaceCount(), s.Count);
            var top = s.Search(query, 2);
            // The copy and the original have the same faces: the same score, one above the other.
            Assert.Equal(["copy of 小泉進次郎", "小泉進次郎"], top.Select(m => m.Identity).Order(StringComparer.Ordinal));
            Assert.Equal(top[0].Similarity, top[1].Similarity, 1e-6);
            Assert.DoesNotContain(s.Search(query, 8), m => m.Identity == "菅義偉");
        }
    }

    [Fact]
    public void A_gallery_from_before_the_change_log_gets_one_and_its_index_is_built()
    {
        using var tmp = new TempDir();
        var db = NewGallery(tmp);
        // An older version's file: no change log, no gallery id, schema version 1.
        using (var c = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "DROP TRIGGER face_log_insert; DROP TRIGGER face_log_delete; DROP TRIGGER face_log_update; DROP TABLE face_log; DROP TABLE meta; PRAGMA user_version = 1;";
            cmd.ExecuteNonQuery();
        }
        using var store = new SqliteGalleryStore(db);
        using var search = (SqliteFaceSearch)GallerySearch.Open(store, Model, Dimension);
        Assert.Equal("built (no index file)", search.OpenedBy);
        Assert.Equal(store.FaceCount(), search.Count);
        AddSynthetic(store, 3, 1, "later");
        Assert.True(search.Refresh());
        Assert.Equal(store.FaceCount(), search.Count);
    }

    [Fact]
    public async Task The_server_sees_another_process_add_to_the_gallery_without_a_restart()
    {
        using var tmp = new TempDir();
        var db = NewGallery(tmp);
        await using var app = await WebGalleryFixture.StartInMemory(new Web.WebOptions { Db = db });
        var client = app.GetTestClient();
        async Task<int> Faces() => JsonDocument.Parse(await client.GetStringAsync("/health")).RootElement.GetProperty("faces").GetInt32();
        var before = await Faces();

        using (var other = new SqliteGalleryStore(db)) AddSynthetic(other, 6, 3, "external");

        // The server checks the gallery every WebService.FollowInterval (2 s); wait for the change, not for a time.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (await Faces() == before && waited.Elapsed < TimeSpan.FromMinutes(2)) await Task.Delay(100);
        Assert.Equal(before + 6, await Faces());
        var gallery = JsonDocument.Parse(await client.GetStringAsync("/api/gallery")).RootElement;
        Assert.Contains(gallery.GetProperty("identities").EnumerateArray(), i => i.GetProperty("identity").GetString() == "external 1");
    }
}
