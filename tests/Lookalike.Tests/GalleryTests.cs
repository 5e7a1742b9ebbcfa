using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;

namespace Lookalike.Tests;

/// <summary>
/// The store contract: indexing, incremental runs, outcomes, removal and identification, run on each store
/// (<see cref="SqliteGalleryTests"/>, <see cref="PostgresGalleryTests"/>) with real photos and real models.
/// </summary>
public abstract class GalleryStoreContract(PipelineFixture fx, ITestOutputHelper output)
{
    protected PipelineFixture Fx => fx;

    /// <summary>A new, empty store; <paramref name="name"/> is a file name where the store is a file.</summary>
    protected abstract IGalleryStore OpenStore(TempDir tmp, string name);

    /// <summary>Store-specific checks that a removed identity left nothing behind.</summary>
    protected virtual void AssertGone(TempDir tmp, string name, string removed, string kept) { }

    /// <summary>celebs-24 split.csv rows: (full path, identity, split).</summary>
    private static List<(string Path, string Identity, string Split)> Celebs24()
    {
        var root = Shared.Set("celebs-24");
        return [.. File.ReadLines(Path.Combine(root, "split.csv")).Skip(1).Select(l => l.Split(','))
            .Select(c => (Path.Combine(root, c[0]), c[1], c[2]))];
    }

    [Fact]
    public void Celebs24_queries_find_their_identity_at_rank_one()
    {
        using var tmp = new TempDir();
        var rows = Celebs24();
        foreach (var r in rows.Where(r => r.Split == "gallery"))
        {
            var link = tmp[Path.Combine("gallery", r.Identity, Path.GetFileName(r.Path))];
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, r.Path);
        }
        using var store = OpenStore(tmp, "g.db");
        var report = new GalleryIndexer(fx.Pipeline, store).Index(tmp["gallery"]);
        Assert.Equal(rows.Count(r => r.Split == "gallery"), report.Files);
        Assert.Equal(report.Files, report.Outcomes.Values.Sum());
        var search = GallerySearch.Open(store, fx.Pipeline.ModelId, fx.Pipeline.Dimension);
        Assert.Equal(24, search.IdentityCount);
        Assert.Equal(store.FaceCount(), search.Count);
        var exact = new FaceIndex(store.Faces(fx.Pipeline.ModelId), fx.Pipeline.Dimension);

        var queries = rows.Where(r => r.Split == "query").ToList();
        var embeddings = queries.AsParallel().AsOrdered().WithDegreeOfParallelism(2).Select(q => fx.Pipeline.Analyze(q.Path).Largest?.Embedding).ToList();
        var hits = 0;
        for (var i = 0; i < queries.Count; i++)
        {
            if (embeddings[i] is not { } e) continue;
            var found = search.Search(e, 5);
            // The store's own search (pgvector's HNSW in PostgreSQL) agrees with the exact in-memory scan.
            var reference = exact.Search(e, 5);
            Assert.Equal(reference[0].Identity, found[0].Identity);
            Assert.Equal(reference[0].Similarity, found[0].Similarity, 1e-4);
            Assert.Equal(reference[0].BestFaceId, found[0].BestFaceId);
            if (found[0].Identity == queries[i].Identity) hits++;
        }
        var rank1 = hits / (double)queries.Count;
        output.WriteLine($"celebs-24 rank-1 {rank1:F4} ({hits}/{queries.Count}); gallery outcomes: " +
                         string.Join(", ", report.Outcomes.Where(kv => kv.Value > 0).Select(kv => $"{kv.Key.Name()} {kv.Value}")));
        // Measured: 0.9872 (232/235; a query without a face counts as a miss; 0.9957 before the small-face margin). README "Accuracy".
        Assert.True(rank1 >= 0.985, $"rank-1 {rank1:F4} ({hits}/{queries.Count})");
    }

    [Fact]
    public void Every_edge_case_file_gets_an_outcome_and_the_run_completes()
    {
        using var tmp = new TempDir();
        using var store = OpenStore(tmp, "g.db");
        var root = Path.Combine(Shared.Set("edge-cases"), "images");
        var report = new GalleryIndexer(fx.Pipeline, store).Index(root);
        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Count();
        Assert.Equal(files, report.Files);
        Assert.Equal(files, report.Outcomes.Values.Sum());
        var stored = store.Files().ToDictionary(f => Path.GetRelativePath(root, f.Path).Replace('\\', '/'), f => f.Outcome);
        Assert.Equal(files, stored.Count);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(root, "unreadable")))
            Assert.Equal(Outcome.Unreadable, stored["unreadable/" + Path.GetFileName(f)]);
        foreach (var f in Directory.EnumerateFiles(Path.Combine(root, "no_face")))
            Assert.Equal(Outcome.NoFace, stored["no_face/" + Path.GetFileName(f)]);
        Assert.Equal(Outcome.MultipleFaces, stored["multi_face/couple.jpg"]);
        Assert.Equal(Outcome.Indexed, stored["wrong_extension/img47.jpg"]);
        Assert.Equal(Outcome.Indexed, stored["grayscale/Junichiro_Koizumi_0001.jpg"]);
        // The report keeps a reason for every unreadable file.
        Assert.All(store.Files().Where(f => f.Outcome == Outcome.Unreadable), f => Assert.False(string.IsNullOrEmpty(f.Detail)));
    }

    [Fact]
    public void Second_run_embeds_nothing_and_changes_are_picked_up()
    {
        using var tmp = new TempDir();
        var src = Path.Combine(Shared.Set("jp-sample"), "images");
        foreach (var f in Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories).Order().Take(12))
            tmp.Copy(f, Path.Combine("g", Path.GetRelativePath(src, f)));
        var root = tmp["g"];
        using var store = OpenStore(tmp, "g.db");
        var indexer = new GalleryIndexer(fx.Pipeline, store);

        var first = indexer.Index(root);
        Assert.Equal(12, first.Embedded);
        var faces = store.FaceCount();

        var second = indexer.Index(root);
        Assert.Equal(0, second.Embedded);
        Assert.Equal(12, second.Outcomes[Outcome.Unchanged]);

        var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order().ToList();
        File.SetLastWriteTimeUtc(files[0], DateTime.UtcNow.AddMinutes(5));           // touched: same bytes
        File.Copy(files[^1], files[1], overwrite: true);                             // changed content
        File.Delete(files[2]);                                                       // removed
        var third = indexer.Index(root);
        Assert.Equal(1, third.Embedded);
        Assert.Equal(1, third.Removed);
        Assert.Equal(11, third.Files);
        Assert.Equal(10, third.Outcomes[Outcome.Unchanged]);
        Assert.Equal(faces - 1, store.FaceCount());
        Assert.Equal(0, indexer.Index(root).Embedded); // the touched file's new mtime was stored
    }

    [Fact]
    public void Japanese_identity_folders_round_trip_and_removal_leaves_no_trace()
    {
        using var tmp = new TempDir();
        using (var store = OpenStore(tmp, "日本.db"))
        {
            new GalleryIndexer(fx.Pipeline, store).Index(Path.Combine(Shared.Set("jp-politicians"), "images"));
            var ids = store.Identities().Select(i => i.Identity).ToList();
            Assert.Contains("小泉進次郎", ids);
            Assert.Contains("スマホのお姉さん", ids);

            var index = GallerySearch.Open(store, fx.Pipeline.ModelId, fx.Pipeline.Dimension);
            var photo = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images", "岸田文雄")).Order().First();
            Assert.Equal("岸田文雄", index.Search(fx.Pipeline.Analyze(photo).Largest!.Embedding, 1)[0].Identity);

            Assert.True(store.RemoveIdentity("岸田文雄") > 0);
            Assert.DoesNotContain("岸田文雄", store.Identities().Select(i => i.Identity));
            Assert.DoesNotContain(store.Files(), f => f.Identity == "岸田文雄");
            Assert.NotEqual("岸田文雄", GallerySearch.Open(store, fx.Pipeline.ModelId, fx.Pipeline.Dimension).Search(fx.Pipeline.Analyze(photo).Largest!.Embedding, 1)[0].Identity);
        }
        AssertGone(tmp, "日本.db", "岸田文雄", "小泉進次郎");
    }

    [Fact]
    public void A_file_that_loses_its_label_loses_its_face_and_keeps_an_outcome()
    {
        using var tmp = new TempDir();
        var src = Path.Combine(Shared.Set("jp-sample"), "images");
        var files = Directory.EnumerateFiles(src, "*", SearchOption.AllDirectories).Order().Take(4)
            .Select(f => tmp.Copy(f, Path.Combine("g", Path.GetRelativePath(src, f)))).ToList();
        using var store = OpenStore(tmp, "g.db");
        var indexer = new GalleryIndexer(fx.Pipeline, store);
        indexer.Index(tmp["g"]);
        Assert.Equal(4, store.FaceCount());

        var labels = files.Take(3).ToDictionary(f => f, _ => "labelled");
        var report = indexer.Index(tmp["g"], new IndexOptions { Labels = labels });
        Assert.Equal(1, report.Outcomes[Outcome.Unlabelled]);
        Assert.Equal(3, store.FaceCount());
        Assert.Equal(Outcome.Unlabelled, store.Files().Single(f => f.Path == files[3]).Outcome);
        Assert.Equal(["labelled"], store.Identities().Select(i => i.Identity));
    }

    [Fact]
    public void Lists_page_in_the_store_and_a_map_reads_only_its_sample()
    {
        using var tmp = new TempDir();
        using var store = OpenStore(tmp, "paging.db");
        // Photos (any case of extension), other files of the folder (labels.csv, a folder named like a photo), uploads;
        // 40 identities of 1 to 7 faces; and names whose order differs between ordinal and a linguistic collation.
        string[] others = ["/g/labels.csv", "/g/a.jpg/notes", "/g/README", "/g/x.jpgx"];
        string[] photos = ["/g/Z/1.JPG", "/g/b/2.jpeg", "/g/b/3.Png", "/g/é/4.webp", "/g/a/5.tiff", "/g/a/.jpg", "upload:Bob/abc"];
        Assert.All(photos, p => Assert.True(PhotoFiles.IsPhoto(p), p));
        Assert.All(others, p => Assert.False(PhotoFiles.IsPhoto(p), p));
        var random = new Random(5);
        var results = new List<FileResult>();
        var n = 0;
        FileResult Row(string path, string identity, bool face)
        {
            var e = new float[512];
            for (var j = 0; j < e.Length; j++) e[j] = (float)random.NextDouble() - 0.5f;
            var norm = MathF.Sqrt(e.Sum(v => v * v));
            var stored = face ? new Face(new Box(0, 0, 112, 112), 0.9f, new PointF[68], [.. e.Select(v => v / norm)], 5f, 0.9f, FaceSource.Primary, [0xFF, 0xD8, (byte)n]) : null;
            return new FileResult(new FileRecord(path, identity, $"{n++:x64}", 1, 1, face ? Outcome.Indexed : Outcome.Unreadable, null, "m"), stored);
        }
        foreach (var p in others) results.Add(Row(p, "", false));
        foreach (var p in photos) results.Add(Row(p, p.StartsWith("upload:", StringComparison.Ordinal) ? "Bob" : p.Split('/')[2], true));
        for (var i = 0; i < 40; i++)
            for (var k = 0; k <= i % 7; k++) results.Add(Row($"/g/p{i:D2}/{k}.jpg", i % 2 == 0 ? $"person {i:D2}" : $"Person {i:D2}", true));
        store.Write(results);

        var everyone = store.Identities();
        Assert.Equal(everyone.Select(i => i.Identity).Order(StringComparer.Ordinal), everyone.Select(i => i.Identity));
        Assert.Equal(everyone.Count, store.IdentityCount());
        Assert.Equal(everyone.Select(i => i.Identity), store.IdentityNames());
        var paged = Enumerable.Range(0, 10).SelectMany(k => store.Identities(k * 7, 7)).ToList();
        Assert.Equal(everyone, paged);
        Assert.Empty(store.Identities(everyone.Count, 5));

        var expected = results.Select(r => r.File.Path).Where(PhotoFiles.IsPhoto).Order(StringComparer.Ordinal).ToList();
        var pages = Enumerable.Range(0, 20).Select(k => store.Photos(k * 9, 9)).ToList();
        Assert.All(pages, p => Assert.Equal(expected.Count, p.Total));
        Assert.Equal(expected, pages.SelectMany(p => p.Files).Select(f => f.Path));

        // The first and last non-upload paths: their common folder is every file's.
        var paths = results.Select(r => r.File.Path).Where(p => !p.StartsWith("upload:", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal((paths[0], paths[^1]), store.PathRange());

        var faces = store.FaceIdentities("m");
        Assert.Equal(store.FaceCount(), faces.Count);
        Assert.Empty(store.FaceIdentities("another model"));
        var sample = Pictures.GalleryMap.Sample(faces, 30);
        var read = store.FacesById(sample);
        Assert.Equal(sample, read.Select(f => f.Id));
        Assert.All(read, f => Assert.Equal(faces.Single(x => x.Id == f.Id).Identity, f.Identity));
        var map = Pictures.GalleryMap.Compute(store, "m", 30);
        Assert.Equal((30, faces.Count, everyone.Count(i => i.Faces > 0)), (map.Points.Count, map.GalleryFaces, map.GalleryIdentities));
        Assert.Equal(sample, map.Points.Select(p => p.FaceId));
        Assert.All(map.Points, p => Assert.Null(p.Thumbnail));
        Assert.Contains($"Showing 30 of {faces.Count} faces (a sample)", map.SampleNote);
    }
}

[Collection(PipelineCollection.Name)]
public sealed class SqliteGalleryTests(PipelineFixture fx, ITestOutputHelper output) : GalleryStoreContract(fx, output)
{
    protected override IGalleryStore OpenStore(TempDir tmp, string name) => GalleryStore.Open(tmp[name]);

    /// <summary>VACUUM rewrote the file: the removed name is nowhere in its bytes, the kept one is.</summary>
    protected override void AssertGone(TempDir tmp, string name, string removed, string kept)
    {
        var bytes = File.ReadAllBytes(tmp[name]);
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(removed)) < 0, "the removed name is still in the database file");
        Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(kept)) >= 0);
    }

    [Fact]
    public void A_name_spelled_decomposed_and_composed_is_one_identity_stored_in_nfc()
    {
        // "Renée" as macOS writes folder names (e + U+0301) in one folder and composed (U+00E9) in another, as a zip
        // made there and a folder made here would give: one person, stored composed.
        using var tmp = new TempDir();
        const string Composed = "Ren\u00e9e", Decomposed = "Rene\u0301e";
        var photos = Directory.EnumerateFiles(Path.Combine(Shared.Set("celebs-24"), "images", "Tom_Hanks")).Order(StringComparer.Ordinal).Take(4).ToList();
        foreach (var (photo, i) in photos.Select((p, i) => (p, i)))
        {
            var link = tmp[Path.Combine("gallery", i < 2 ? Decomposed : Composed, Path.GetFileName(photo))];
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, photo);
        }
        using var store = OpenStore(tmp, "g.db");
        var report = new GalleryIndexer(Fx.Pipeline, store).Index(tmp["gallery"]);
        Assert.Equal(4, report.Files);
        var identity = Assert.Single(store.Identities());
        Assert.Equal(Composed, identity.Identity);
        Assert.Equal(4, identity.Files);
    }

    [Fact]
    public void A_gallery_from_before_the_unreadable_outcome_opens_with_no_fake_hashes()
    {
        using var tmp = new TempDir();
        var db = tmp["old.db"];
        using (GalleryStore.Open(db)) { }
        // What the old version wrote for a file it could not read: the exception's name as its "hash", schema version 0.
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = """
                INSERT INTO files VALUES('/g/a/locked.jpg', 'a', 'unreadable:UnauthorizedAccessException', 10, 1, 'unreadable', 'denied', 'm', '2026-01-01');
                INSERT INTO files VALUES('/g/a/ok.jpg', 'a', 'abc123', 10, 1, 'no_face', NULL, 'm', '2026-01-01');
                PRAGMA user_version = 0;
                """;
            cmd.ExecuteNonQuery();
        }
        using (var store = GalleryStore.Open(db))
        {
            var files = store.FilesUnder("/g");
            Assert.Equal("", files["/g/a/locked.jpg"].Sha256);
            Assert.Equal(Outcome.Unreadable, files["/g/a/locked.jpg"].Outcome);
            Assert.Equal("abc123", files["/g/a/ok.jpg"].Sha256);
        }
        using (var c = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={db};Pooling=False"))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT count(*) FROM files WHERE sha256 LIKE 'unreadable:%'";
            Assert.Equal(0L, (long)cmd.ExecuteScalar()!);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PipelineFixture>, ICollectionFixture<PgliteServer>
{
    public const string Name = "postgres";
}

/// <summary>The same contract on PostgreSQL + pgvector (PGlite served over the wire protocol; see <see cref="PgliteServer"/>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresGalleryTests(PipelineFixture fixture, PgliteServer server, ITestOutputHelper output) : GalleryStoreContract(fixture, output)
{
    protected override IGalleryStore OpenStore(TempDir tmp, string name) => GalleryStore.Open(server.Fresh());

    /// <summary>The server as a postgres:// URL, the form a user gives --store.</summary>
    private string Url()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(server.Fresh());
        return $"postgres://{b.Username}:{b.Password}@{b.Host}:{b.Port}/{b.Database}?sslmode=disable&Maximum%20Pool%20Size=1&Timeout=60";
    }

    [Fact]
    public void Cli_indexes_and_matches_through_a_postgres_url()
    {
        var url = Url();
        var images = Path.Combine(Shared.Set("jp-politicians"), "images");
        var add = Cli.Json("gallery", "add", images, "--store", url, "--workers", "2");
        Assert.Equal(18, add.GetProperty("files").GetInt32());
        Assert.StartsWith("postgres://postgres@127.0.0.1:", add.GetProperty("db").GetString());  // no password in output
        Assert.Equal(0, Cli.Json("gallery", "add", images, "--store", url).GetProperty("embedded").GetInt32());

        var photo = Directory.EnumerateFiles(Path.Combine(images, "小泉進次郎")).Order().First();
        var match = Cli.Json("match", photo, "--store", url);
        Assert.Equal("小泉進次郎", match.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("identity").GetString());
        Assert.Equal(9, match.GetProperty("gallery").GetProperty("identities").GetInt32());
    }

    [Fact]
    public async Task Two_web_instances_share_one_gallery()
    {
        var store = server.Fresh();
        using (var s = GalleryStore.Open(store))
            new GalleryIndexer(Fx.Default, s).Index(Path.Combine(Shared.Set("jp-sample"), "images"));
        await using var a = await WebGalleryFixture.StartInMemory(new Web.WebOptions { Db = store, ApiKey = "k" });
        await using var b = await WebGalleryFixture.StartInMemory(new Web.WebOptions { Db = store });
        var photo = Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images", "岸田文雄")).Order().First();
        static MultipartFormDataContent Form(string path) => new() { { new ByteArrayContent(File.ReadAllBytes(path)), "image", "photo.jpg" } };

        var before = JsonDocument.Parse(await (await b.GetTestClient().PostAsync("/api/match", Form(photo))).Content.ReadAsStringAsync()).RootElement;
        Assert.NotEqual("岸田文雄", before.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("identity").GetString());
        var add = new HttpRequestMessage(HttpMethod.Post, "/api/gallery/岸田文雄/faces") { Content = Form(photo), Headers = { { Web.Api.ApiKeyHeader, "k" } } };
        Assert.Equal(System.Net.HttpStatusCode.Created, (await a.GetTestClient().SendAsync(add)).StatusCode);
        // Instance B never saw the write, yet finds the face: the search runs in the shared server.
        var after = JsonDocument.Parse(await (await b.GetTestClient().PostAsync("/api/match", Form(photo))).Content.ReadAsStringAsync()).RootElement;
        var top = after.GetProperty("faces")[0].GetProperty("matches")[0];
        Assert.Equal("岸田文雄", top.GetProperty("identity").GetString());
        Assert.True(top.GetProperty("best_similarity").GetDouble() > 0.99);
    }

    [Fact]
    public void A_gallery_with_the_old_512_d_column_keeps_stock_faces_and_refuses_the_fused_ones_with_the_reason()
    {
        var connection = server.Fresh();
        using (var c = new Npgsql.NpgsqlConnection(new Npgsql.NpgsqlConnectionStringBuilder(connection) { Pooling = false }.ConnectionString))
        {
            c.Open();
            // The faces table as galleries made before the fused default have it: vector(512), no dims column.
            using var cmd = new Npgsql.NpgsqlCommand("""
                CREATE EXTENSION IF NOT EXISTS vector;
                CREATE TABLE gallery_files(path text PRIMARY KEY, identity text NOT NULL, sha256 text NOT NULL, size bigint NOT NULL,
                    mtime bigint NOT NULL, outcome text NOT NULL, detail text, model text NOT NULL, indexed_at timestamptz NOT NULL);
                CREATE TABLE gallery_faces(id bigserial PRIMARY KEY, path text NOT NULL REFERENCES gallery_files(path) ON DELETE CASCADE,
                    identity text NOT NULL, model text NOT NULL, embedding vector(512) NOT NULL,
                    box_x real NOT NULL, box_y real NOT NULL, box_w real NOT NULL, box_h real NOT NULL, score real NOT NULL,
                    landmarks bytea NOT NULL, source text NOT NULL, several boolean NOT NULL, thumbnail bytea NOT NULL);
                """, c);
            cmd.ExecuteNonQuery();
        }
        var images = Path.Combine(Shared.Set("jp-politicians"), "images");
        using var store = new PostgresGalleryStore(connection);
        Assert.Equal(512, store.Dimension);
        // Stock faces fit, are read back at their own length and searched as before.
        new GalleryIndexer(Fx.Pipeline, store).Index(images);
        var faces = store.Faces(Fx.Pipeline.ModelId);
        Assert.Equal(18, faces.Count);
        Assert.All(faces, f => Assert.Equal(512, f.Embedding.Length));
        var photo = Directory.EnumerateFiles(Path.Combine(images, "小泉進次郎")).Order().First();
        var query = Fx.Pipeline.Analyze(photo).Largest!.Embedding;
        Assert.Equal("小泉進次郎", store.Search(Fx.Pipeline.ModelId, 512).Search(query, 1)[0].Identity);
        // The default's 640-d faces do not fit: a clear reason, not a server error.
        var e = Assert.Throws<GalleryStoreException>(() => store.Search(Fx.Default.ModelId, Fx.Default.Dimension));
        Assert.Contains("512-d embedding column", e.Message);
        Assert.Contains("--model stock", e.Message);
    }

    [Fact]
    public void A_new_gallery_stores_stock_faces_zero_padded_and_gives_them_back_at_their_own_length()
    {
        using var store = new PostgresGalleryStore(server.Fresh());
        Assert.Equal(PostgresGalleryStore.NewDimension, store.Dimension);
        var images = Path.Combine(Shared.Set("jp-politicians"), "images");
        var photo = Directory.EnumerateFiles(Path.Combine(images, "小泉進次郎")).Order().First();
        // Stock first, then the default (another model: every photo is embedded again and its faces replaced).
        foreach (var (p, dimension) in new[] { (Fx.Pipeline, 512), (Fx.Default, 640) })
        {
            new GalleryIndexer(p, store).Index(images);
            var faces = store.Faces(p.ModelId);
            Assert.Equal(18, faces.Count);
            Assert.All(faces, f => Assert.Equal(dimension, f.Embedding.Length));
            var top = store.Search(p.ModelId, p.Dimension).Search(p.Analyze(photo).Largest!.Embedding, 1)[0];
            Assert.Equal("小泉進次郎", top.Identity);
            Assert.True(top.BestSimilarity > 0.99, $"{p.ModelId}: {top.BestSimilarity}"); // the photo itself is in the gallery
        }
    }

    [Fact]
    public void Urls_become_connection_strings_and_an_unreachable_server_is_a_clear_error()
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(PostgresGalleryStore.ConnectionString("postgresql://me:p%40ss@db.example:5433/%E6%97%A5%E6%9C%AC?sslmode=require&Timeout=3"));
        Assert.Equal(("db.example", 5433, "me", "p@ss", "日本", Npgsql.SslMode.Require, 3), (b.Host, b.Port, b.Username, b.Password, b.Database, b.SslMode, b.Timeout));
        Assert.Throws<GalleryStoreException>(() => PostgresGalleryStore.ConnectionString("postgres://h/db?no_such_option=1"));
        // Port 1 on loopback: nothing listens there.
        var e = Assert.Throws<GalleryStoreException>(() => GalleryStore.Open("postgres://u:secret@127.0.0.1:1/db?Timeout=3"));
        Assert.Contains("cannot open the PostgreSQL gallery at postgres://u@127.0.0.1:1/db", e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }
}
