using System.Net;
using System.Net.Http.Headers;
using Lookalike.Gallery;
using Lookalike.DevTools;
using Lookalike.Web;
using Microsoft.AspNetCore.TestHost;

namespace Lookalike.Tests;

/// <summary>Hostile files (a small seeded corpus made from shared photos) through the indexer and the API.</summary>
[Collection(WebCollection.Name)]
public class ReliabilityTests(WebGalleryFixture gallery, PipelineFixture fx)
{
    private static List<string> Sources() =>
    [
        .. Directory.EnumerateFiles(Path.Combine(Shared.Set("deepface-pairs"), "images"), "*", SearchOption.AllDirectories).Order().Take(6),
        .. Directory.EnumerateFiles(Path.Combine(Shared.Set("jp-politicians"), "images"), "*", SearchOption.AllDirectories).Order().Take(6),
        .. Directory.EnumerateFiles(Path.Combine(Shared.Set("lfw-gray"), "images"), "*", SearchOption.AllDirectories).Order().Take(6),
    ];

    [Fact]
    public void Every_hostile_file_gets_exactly_one_outcome_and_valid_photos_are_decoded()
    {
        using var tmp = new TempDir();
        var files = FuzzCorpus.Generate(Sources(), tmp["corpus"], count: FuzzCorpus.Kinds.Length * 5, seed: 3);
        using var store = new SqliteGalleryStore(tmp["fuzz.db"]);
        var report = new GalleryIndexer(fx.Pipeline, store).Index(tmp["corpus/images"]);
        Assert.Equal(files.Count, report.Files);
        Assert.Equal(files.Count, report.Outcomes.Values.Sum());
        var outcomes = store.Files().ToDictionary(f => f.Path, f => f.Outcome);
        Assert.Equal(files.Count, outcomes.Count);
        foreach (var f in files)
        {
            var outcome = outcomes[Path.GetFullPath(Path.Combine(tmp["corpus"], f.RelativePath))];
            if (f.ValidPhoto) Assert.True(outcome is Outcome.Indexed or Outcome.MultipleFaces or Outcome.NoFace, $"{f.Kind} {f.RelativePath}: {outcome}");
            switch (f.Kind)
            {
                case "zero_length" or "text_as_jpg" or "html_as_jpg" or "symlink_dangling" or "symlink_loop":
                    Assert.Equal(Outcome.Unreadable, outcome);
                    break;
                case "png_60000x60000" or "jpeg_60000x60000" or "png_bomb":
                    Assert.Equal(Outcome.TooLarge, outcome);
                    break;
                case "valid" or "png_16bit" or "webp" or "symlink_good" or "wrong_extension":
                    Assert.True(outcome is Outcome.Indexed or Outcome.MultipleFaces, $"{f.Kind}: {outcome}");
                    break;
            }
        }
        // Non-ASCII, spaces and newlines in names survive the round trip.
        Assert.Contains(outcomes.Keys, p => p.Contains('\n'));
        Assert.Contains(outcomes.Keys, p => p.Contains("山田 花子"));
    }

    [Fact]
    public async Task Hostile_uploads_never_get_a_500_and_the_server_stays_up()
    {
        using var tmp = new TempDir();
        var files = FuzzCorpus.Generate(Sources(), tmp["corpus"], count: FuzzCorpus.Kinds.Length * 3, seed: 4);
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var statuses = new Dictionary<HttpStatusCode, int>();
        foreach (var f in files)
        {
            byte[] bytes;
            try { bytes = File.ReadAllBytes(Path.Combine(tmp["corpus"], f.RelativePath)); }
            catch (IOException) { continue; } // dangling and looping links cannot be sent
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var response = await client.PostAsync("/api/match", new MultipartFormDataContent { { content, "image", "x.jpg" } });
            statuses[response.StatusCode] = statuses.GetValueOrDefault(response.StatusCode) + 1;
        }
        Assert.All(statuses.Keys, s => Assert.Contains(s, new[] { HttpStatusCode.OK, HttpStatusCode.BadRequest, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.UnsupportedMediaType }));
        Assert.True(statuses[HttpStatusCode.RequestEntityTooLarge] >= 9); // 60000x60000 headers and the bomb
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public void A_file_that_takes_too_long_is_recorded_as_timed_out_and_the_run_completes()
    {
        using var tmp = new TempDir();
        var src = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie");
        foreach (var f in Directory.EnumerateFiles(src).Order().Take(3)) tmp.Copy(f, Path.Combine("g", "Jolie", Path.GetFileName(f)));
        using var store = new SqliteGalleryStore(tmp["t.db"]);
        var report = new GalleryIndexer(fx.Pipeline, store).Index(tmp["g"], new IndexOptions { FileTimeout = TimeSpan.FromMilliseconds(1) });
        Assert.Equal(3, report.Outcomes[Outcome.TimedOut]);
        Assert.All(store.Files(), f => Assert.Equal(Outcome.TimedOut, f.Outcome));
        // A later run with a sane timeout indexes them.
        Assert.Equal(3, new GalleryIndexer(fx.Pipeline, store).Index(tmp["g"]).Outcomes[Outcome.Indexed]);
    }

    [Fact]
    public void A_store_that_fails_mid_run_stops_the_run_with_its_own_error_instead_of_hanging()
    {
        using var tmp = new TempDir();
        foreach (var f in Directory.EnumerateFiles(Path.Combine(Shared.Set("celebs-24"), "images"), "*", SearchOption.AllDirectories).Order().Take(16))
            tmp.Copy(f, Path.Combine("g", Path.GetFileName(Path.GetDirectoryName(f))!, Path.GetFileName(f)));
        using var store = new SqliteGalleryStore(tmp["t.db"]);
        // A real SQLite failure: the faces table disappears under the store, so its first write fails.
        using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={tmp["t.db"]};Pooling=False"))
        {
            other.Open();
            using var drop = other.CreateCommand();
            drop.CommandText = "DROP TABLE faces";
            drop.ExecuteNonQuery();
        }
        // Batches of 1 fill the writer's small queue at once: without the writer, the workers would wait forever.
        var run = Task.Run(() => new GalleryIndexer(fx.Pipeline, store).Index(tmp["g"], new IndexOptions { BatchSize = 1 }));
        Assert.True(((IAsyncResult)run).AsyncWaitHandle.WaitOne(TimeSpan.FromMinutes(2)), "indexing hung after the store failed");
        var error = Assert.IsType<Microsoft.Data.Sqlite.SqliteException>(run.Exception?.InnerException);
        Assert.Contains("faces", error.Message);
    }

    [Fact]
    public async Task Clients_over_the_rate_limit_get_429()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, RateLimitPerMinute = 3, RateLimitWindow = TimeSpan.FromHours(1) });
        var client = app.GetTestClient();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/gallery")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.GetAsync("/api/gallery")).StatusCode);
    }
}
