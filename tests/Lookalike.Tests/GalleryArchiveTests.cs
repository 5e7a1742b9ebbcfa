using System.Formats.Tar;
using System.IO.Compression;
using Lookalike.Gallery;

namespace Lookalike.Tests;

/// <summary>
/// `gallery add` of a .zip or .tar.gz of person folders (issue #17): real archives made here from shared photos give
/// the same identities, outcomes and embeddings per file as the folder, re-runs are incremental, and hostile archives
/// (names leaving the archive, zip bombs by ratio and by total size) are refused whole, with nothing written.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class GalleryArchiveTests(PipelineFixture fx)
{
    private static readonly IndexOptions TwoWorkers = new() { Workers = 2 };

    /// <summary>jp-politicians (Japanese names, a two-face photo) and edge-cases (no face, tiny, empty, truncated, text, WebP named .jpg).</summary>
    private static List<(string Name, string File)> Gallery() => [.. Archives.Photos("jp-politicians"), .. Archives.Photos("edge-cases")];

    /// <summary>Per stored file, relative to <paramref name="root"/>: identity, outcome, detail, and the embedding when it has a face.</summary>
    private static Dictionary<string, (string Identity, string Outcome, string? Detail, float[]? Embedding)> Rows(IGalleryStore store, string model, string root)
    {
        var faces = store.Faces(model).ToDictionary(f => f.Path, f => f.Embedding);
        return store.Files().ToDictionary(f => f.Path[(root.Length + 1)..],
            f => (f.Identity, f.Outcome.Name(), f.Detail, faces.GetValueOrDefault(f.Path)));
    }

    private static void AssertSameRows(
        Dictionary<string, (string Identity, string Outcome, string? Detail, float[]? Embedding)> expected,
        Dictionary<string, (string Identity, string Outcome, string? Detail, float[]? Embedding)> actual)
    {
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), actual.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, e) in expected)
        {
            var a = actual[path];
            Assert.Equal((e.Identity, e.Outcome, e.Detail), (a.Identity, a.Outcome, a.Detail));
            Assert.Equal(e.Embedding is null, a.Embedding is null);
            if (e.Embedding is not null) Assert.Equal(e.Embedding, a.Embedding!); // the same bytes decoded the same way
        }
    }

    [Fact]
    public void A_zip_and_a_tar_gz_of_person_folders_index_like_the_folder_and_rerun_incrementally()
    {
        using var tmp = new TempDir();
        var files = Gallery();
        foreach (var (name, file) in files) tmp.Copy(file, Path.Combine("g", name));
        var zip = Archives.Zip(tmp["g.zip"], files);
        // As `tar czf g.tar.gz g` makes it (and lfw.tgz is): every entry in one folder that holds the person folders.
        var tgz = Archives.TarGz(tmp["g.tar.gz"], files.Select(f => ("g/" + f.Name, f.File)));

        using var folderStore = new SqliteGalleryStore(tmp["folder.db"]);
        var folder = new GalleryIndexer(fx.Pipeline, folderStore).Index(tmp["g"], TwoWorkers);
        Assert.Equal(32, folder.Files);
        var expected = Rows(folderStore, fx.Pipeline.ModelId, tmp["g"]);
        Assert.Contains(expected.Values, r => r.Identity == "小泉進次郎" && r.Outcome == "indexed");
        Assert.Equal(["indexed", "multiple_faces", "no_face", "unreadable"], expected.Values.Select(r => r.Outcome).Distinct().Order());

        foreach (var (archive, root) in new[] { (zip, zip), (tgz, tgz + "/g") })
        {
            using var store = new SqliteGalleryStore(tmp[Path.GetFileName(archive) + ".db"]);
            var indexer = new GalleryIndexer(fx.Pipeline, store);
            var first = indexer.Index(archive, TwoWorkers);
            Assert.Equal(archive, first.Root);
            Assert.Equal(folder.Files, first.Files);
            Assert.Equal(folder.Embedded, first.Embedded);
            Assert.Equal(folder.Outcomes, first.Outcomes);
            AssertSameRows(expected, Rows(store, fx.Pipeline.ModelId, root));
            Assert.All(store.Files(), f => Assert.StartsWith(root + "/", f.Path));

            var again = indexer.Index(archive, TwoWorkers);
            Assert.Equal(0, again.Embedded);
            Assert.Equal(folder.Files, again.Outcomes[Outcome.Unchanged]);
            Assert.Equal(0, again.Removed);
        }

        // The archive replaced by one without a person and with one photo changed: the person's files are removed,
        // the changed photo re-embedded, nothing else touched.
        var changed = files.Where(f => !f.Name.StartsWith("麻生太郎/", StringComparison.Ordinal)).ToList();
        var kishida = changed.FindIndex(f => f.Name == "岸田文雄/岸田文雄_1.jpg");
        changed[kishida] = (changed[kishida].Name, Path.Combine(Shared.Set("jp-politicians"), "images", "岸田文雄", "岸田文雄_default.jpg"));
        Archives.TarGz(tgz, changed.Select(f => ("g/" + f.Name, f.File)));
        using (var store = new SqliteGalleryStore(tmp["g.tar.gz.db"]))
        {
            var update = new GalleryIndexer(fx.Pipeline, store).Index(tgz, TwoWorkers);
            Assert.Equal(3, update.Removed);
            Assert.Equal(1, update.Embedded);
            Assert.Equal(folder.Files - 3 - 1, update.Outcomes[Outcome.Unchanged]);
        }
    }

    [Fact]
    public void An_entry_name_leaving_the_archive_refuses_it_whole_and_nothing_is_written()
    {
        using var tmp = new TempDir();
        var good = Archives.Photos("jp-politicians");
        var photo = good[0].File;
        using var store = new SqliteGalleryStore(tmp["g.db"]);
        var indexer = new GalleryIndexer(fx.Pipeline, store);
        foreach (var ext in new[] { ".zip", ".tar.gz" })
        {
            // A good archive first, then the same path holding one hostile entry more: the refusal must come before
            // anything is written (the old rows stay: not even the removal of files gone from the archive happens).
            var path = tmp["photos" + ext];
            string Make(IEnumerable<(string, string)> entries) => ext == ".zip" ? Archives.Zip(path, entries) : Archives.TarGz(path, entries);
            Make(good);
            Assert.Equal(18, indexer.Index(path).Embedded);
            foreach (var evil in new[] { "../evil.jpg", "小泉進次郎/../../evil.jpg", "..\\evil.jpg", "/tmp/evil.jpg", "C:/evil.jpg", "C:evil.jpg" })
            {
                File.Delete(path);
                Make([(evil, photo), .. good.Skip(1)]);
                var e = Assert.Throws<GalleryArchiveException>(() => indexer.Index(path));
                Assert.StartsWith($"{path} refused: entry '{evil}' ", e.Message);
                Assert.EndsWith("; nothing was indexed", e.Message);
                Assert.Equal(18, store.Files().Count(f => f.Path.StartsWith(path + "/", StringComparison.Ordinal)));
            }
        }
        Assert.Equal(36, store.Files().Count);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(tmp.Path)!, "evil.jpg")));

        // Names that cannot be written through the archive writers here are checked where every name is.
        Assert.Throws<GalleryArchiveException>(() => GalleryArchive.Clean("a.zip", "安倍晋三/evil\0.jpg"));
        Assert.Throws<GalleryArchiveException>(() => GalleryArchive.Clean("a.zip", "\\\\server\\share\\evil.jpg"));
        Assert.Equal("安倍晋三/x.jpg", GalleryArchive.Clean("a.zip", "./安倍晋三//./x.jpg"));
        Assert.Equal("安倍晋三/x.jpg", GalleryArchive.Clean("a.zip", "安倍晋三\\x.jpg"));
        Assert.Null(GalleryArchive.Clean("a.zip", "__MACOSX/安倍晋三/._x.jpg"));
    }

    [Fact]
    public void Links_are_not_followed_and_an_entry_over_the_size_limit_is_not_read()
    {
        using var tmp = new TempDir();
        var good = Archives.Photos("jp-politicians");
        var tgz = Archives.TarGz(tmp["links.tar.gz"], good,
            new PaxTarEntry(TarEntryType.SymbolicLink, "安倍晋三/passwd.jpg") { LinkName = "/etc/passwd" },
            new PaxTarEntry(TarEntryType.HardLink, "安倍晋三/hard.jpg") { LinkName = good[0].Name });
        var zip = tmp["large.zip"];
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            // Stored, not compressed: 1:1, so only the per-photo limit (40 MB) stops it.
            using var stream = archive.CreateEntry("安倍晋三/large.jpg", CompressionLevel.NoCompression).Open();
            Archives.Zeros(stream, 41L << 20);
        }

        using var store = new SqliteGalleryStore(tmp["g.db"]);
        var indexer = new GalleryIndexer(fx.Pipeline, store);
        var links = indexer.Index(tgz);
        Assert.Equal(20, links.Files);
        Assert.Equal(2, links.Outcomes[Outcome.Unreadable]);
        Assert.Equal(["a link in the archive (not followed)", "a link in the archive (not followed)"],
            links.Problems.Where(p => p.Outcome == Outcome.Unreadable).Select(p => p.Detail));
        var large = indexer.Index(zip);
        var problem = Assert.Single(large.Problems);
        Assert.Equal((Outcome.TooLarge, "file is 41.0 MB, over the 40 MB limit"), (problem.Outcome, problem.Detail));
        Assert.Equal("安倍晋三", problem.Identity);
    }

    [Fact]
    public void A_zip_bomb_is_refused_by_its_ratio_and_an_archive_over_the_total_limit_by_its_size()
    {
        using var tmp = new TempDir();
        var zip = tmp["bomb.zip"];
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            using var stream = archive.CreateEntry("bomb/zeros.jpg", CompressionLevel.SmallestSize).Open();
            Archives.Zeros(stream, 200L << 20);
        }
        var tgz = tmp["bomb.tar.gz"];
        using (var output = File.Create(tgz))
        using (var gzip = new GZipStream(output, CompressionLevel.SmallestSize))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            var zeros = new MemoryStream();
            Archives.Zeros(zeros, 200L << 20);
            zeros.Position = 0;
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, "bomb/zeros.jpg") { DataStream = zeros });
        }
        // 200 MiB in under 1 MB: bombs, not galleries.
        Assert.InRange(new FileInfo(zip).Length, 1, 1 << 20);
        Assert.InRange(new FileInfo(tgz).Length, 1, 1 << 20);

        using var store = new SqliteGalleryStore(tmp["g.db"]);
        var indexer = new GalleryIndexer(fx.Pipeline, store);
        foreach (var bomb in new[] { zip, tgz })
        {
            var e = Assert.Throws<GalleryArchiveException>(() => indexer.Index(bomb));
            Assert.StartsWith($"{bomb} refused: 'bomb/zeros.jpg' unpacks ", e.Message);
            Assert.Contains("over the 100:1 limit (a zip bomb?)", e.Message);
        }

        // A real gallery, ~180 KB of photos, against a 100 KB limit: refused; within the default limit it indexes.
        var photos = Archives.Photos("jp-politicians");
        var small = new IndexOptions { ArchiveLimits = ArchiveLimits.Default with { MaxTotalBytes = 100_000 } };
        foreach (var archive in new[] { Archives.Zip(tmp["g.zip"], photos), Archives.TarGz(tmp["g.tar.gz"], photos) })
        {
            var e = Assert.Throws<GalleryArchiveException>(() => indexer.Index(archive, small));
            Assert.Equal($"{archive} refused: it unpacks to more than the 97.7 KiB limit; nothing was indexed", e.Message);
        }
        Assert.Empty(store.Files());
        Assert.Equal(18, indexer.Index(tmp["g.zip"]).Embedded);
        Assert.Equal(0, indexer.Index(Archives.Zip(tmp["empty.zip"], [])).Files);

        // Not an archive at all: a clear refusal, not a crash.
        var text = tmp["notes.txt"];
        File.WriteAllText(text, "not a gallery");
        Assert.Equal($"{text} is neither a folder nor a .zip or .tar.gz archive", Assert.Throws<GalleryArchiveException>(() => indexer.Index(text)).Message);
        var broken = tmp["broken.tar.gz"];
        File.WriteAllBytes(broken, [.. File.ReadAllBytes(tmp["g.tar.gz"]).Take(4000)]);
        Assert.StartsWith($"{broken} is not a readable tar.gz archive: ", Assert.Throws<GalleryArchiveException>(() => indexer.Index(broken)).Message);
    }
}
