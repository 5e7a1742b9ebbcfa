using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Lookalike.Web;
using Microsoft.AspNetCore.TestHost;

namespace Lookalike.Tests;

/// <summary>The REST API in memory with the real models and a real SQLite gallery.</summary>
[Collection(WebCollection.Name)]
public class WebApiTests(WebGalleryFixture gallery)
{
    private static MultipartFormDataContent Form(params (string Field, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (field, path) in files)
        {
            var content = new ByteArrayContent(File.ReadAllBytes(path));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(content, field, Path.GetFileName(path));
        }
        return form;
    }

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    [Fact]
    public async Task Match_finds_celebs24_queries_at_rank_one()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        var hits = 0;
        foreach (var (identity, photo) in gallery.CelebQueries)
        {
            var response = await client.PostAsync("/api/match?top=5", Form(("image", photo)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var faces = (await Json(response)).GetProperty("faces");
            Assert.Equal(1, faces.GetArrayLength());
            var matches = faces[0].GetProperty("matches");
            Assert.Equal(5, matches.GetArrayLength());
            if (matches[0].GetProperty("identity").GetString() == identity) hits++;
        }
        Assert.Equal(24, gallery.CelebQueries.Count);
        Assert.True(hits >= 23, $"{hits}/24 at rank 1");
    }

    [Fact]
    public async Task Match_of_a_held_out_japanese_photo_names_the_person()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var result = await Json(await client.PostAsync("/api/match", Form(("image", gallery.HeldOut["小泉進次郎"]))));
        var top = result.GetProperty("faces")[0].GetProperty("matches")[0];
        Assert.Equal("小泉進次郎", top.GetProperty("identity").GetString());
        var thumbnail = await client.GetAsync($"/api/faces/{top.GetProperty("best_face_id").GetInt64()}/thumbnail");
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.Equal(new byte[] { 0xFF, 0xD8 }, (await thumbnail.Content.ReadAsByteArrayAsync())[..2]);
    }

    [Fact]
    public async Task Bad_uploads_get_413_415_and_no_face_gets_an_empty_list_with_a_reason()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, MaxUploadBytes = 512 * 1024 });
        var client = app.GetTestClient();
        var edge = Path.Combine(Shared.Set("edge-cases"), "images");

        var big = await client.PostAsync("/api/match", Form(("image", Path.Combine(edge, "multi_face", "couple.jpg")))); // 944 KB
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, big.StatusCode);
        Assert.Contains("limit", (await Json(big)).GetProperty("error").GetString());

        foreach (var bad in new[] { "unreadable/text_as_jpg.jpg", "unreadable/empty.jpg", "unreadable/truncated_couple.jpg" })
        {
            var response = await client.PostAsync("/api/match", Form(("image", Path.Combine(edge, bad))));
            Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{bad}: {response.StatusCode}");
            Assert.False(string.IsNullOrEmpty((await Json(response)).GetProperty("error").GetString()));
        }

        var noFace = await client.PostAsync("/api/match", Form(("image", Path.Combine(edge, "no_face", "plant.png"))));
        Assert.Equal(HttpStatusCode.OK, noFace.StatusCode);
        var body = await Json(noFace);
        Assert.Equal(0, body.GetProperty("faces").GetArrayLength());
        Assert.Equal("no face found", body.GetProperty("reason").GetString());

        var missing = await client.PostAsync("/api/match", Form(("photo", Path.Combine(edge, "no_face", "plant.png"))));
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }

    [Fact]
    public async Task Compare_gives_a_verdict()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var jolie = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie");
        var same = await Json(await client.PostAsync("/api/compare", Form(("a", Path.Combine(jolie, "img1.jpg")), ("b", Path.Combine(jolie, "img2.jpg")))));
        Assert.True(same.GetProperty("same").GetBoolean());
        var different = await Json(await client.PostAsync("/api/compare", Form(("a", Path.Combine(jolie, "img1.jpg")), ("b", gallery.HeldOut["小泉進次郎"]))));
        Assert.False(different.GetProperty("same").GetBoolean());
        Assert.True(different.GetProperty("similarity").GetDouble() < same.GetProperty("similarity").GetDouble());
    }

    [Fact]
    public async Task Writes_need_the_key_and_change_what_match_sees()
    {
        using var tmp = new TempDir();
        var db = gallery.CopyDb(tmp);
        await using (var closed = await WebGalleryFixture.StartInMemory(new WebOptions { Db = db }))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await closed.GetTestClient().DeleteAsync("/api/gallery/Tom_Hanks")).StatusCode);
        }
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = db, ApiKey = "s3cret-key" });
        var client = app.GetTestClient();
        var query = gallery.HeldOut["Audrey Hepburn"];

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.DeleteAsync("/api/gallery/Audrey%20Hepburn")).StatusCode);
        var wrong = new HttpRequestMessage(HttpMethod.Delete, "/api/gallery/Audrey%20Hepburn") { Headers = { { Api.ApiKeyHeader, "s3cret-kez" } } };
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.SendAsync(wrong)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.PostAsync("/api/gallery/New/faces", Form(("image", query)))).StatusCode);

        var delete = new HttpRequestMessage(HttpMethod.Delete, "/api/gallery/Audrey%20Hepburn") { Headers = { { Api.ApiKeyHeader, "s3cret-key" } } };
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(delete)).StatusCode);
        var after = await Json(await client.PostAsync("/api/match", Form(("image", query))));
        Assert.NotEqual("Audrey Hepburn", after.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("identity").GetString());

        var add = new HttpRequestMessage(HttpMethod.Post, "/api/gallery/オードリー/faces") { Content = Form(("image", query)), Headers = { { Api.ApiKeyHeader, "s3cret-key" } } };
        var added = await client.SendAsync(add);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var again = await Json(await client.PostAsync("/api/match", Form(("image", query))));
        Assert.Equal("オードリー", again.GetProperty("faces")[0].GetProperty("matches")[0].GetProperty("identity").GetString());
        var list = await Json(await client.GetAsync("/api/gallery"));
        Assert.Contains(list.GetProperty("identities").EnumerateArray(), i => i.GetProperty("identity").GetString() == "オードリー");
    }

    [Fact]
    public async Task Gallery_pictures_average_and_map()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var average = await client.GetAsync("/api/gallery/Tom_Hanks/average");
        Assert.Equal("image/png", average.Content.Headers.ContentType?.MediaType);
        using (var png = SkiaSharp.SKBitmap.Decode(await average.Content.ReadAsByteArrayAsync()))
            Assert.Equal(112, png.Width);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/gallery/Nobody/average")).StatusCode);
        var map = await client.GetAsync("/api/gallery/map");
        Assert.Equal("text/html", map.Content.Headers.ContentType?.MediaType);
        var html = await MapWhenReady(client);
        Assert.Contains("<svg", html);
        Assert.Contains("Tom_Hanks", html);
        Assert.DoesNotContain("id=\"note\"", html); // every face shown: no sample note
    }

    /// <summary>The map page once it shows the gallery as it is (X-Map-Status: ready); it is laid out in the background.</summary>
    internal static async Task<string> MapWhenReady(HttpClient client, string url = "/api/gallery/map")
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var response = await client.GetAsync(url);
            var status = response.Headers.GetValues("X-Map-Status").Single();
            if (status == "ready")
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                return await response.Content.ReadAsStringAsync();
            }
            Assert.True(waited.Elapsed < TimeSpan.FromMinutes(5), $"the map is still {status}");
            Assert.True(response.Headers.RetryAfter is not null, "a map that is not ready says when to retry");
            await Task.Delay(200);
        }
    }

    [Fact]
    public async Task Gallery_lists_come_in_pages_with_totals_and_bad_paging_is_a_400()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var all = await Json(await client.GetAsync("/api/gallery?limit=1000"));
        var total = all.GetProperty("total").GetInt32();
        var names = all.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("identity").GetString()!).ToList();
        Assert.Equal(total, names.Count);
        Assert.True(total > 20, $"{total} identities");
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal((0, 1000), (all.GetProperty("offset").GetInt32(), all.GetProperty("limit").GetInt32()));
        var health = await Json(await client.GetAsync("/health"));
        Assert.Equal(health.GetProperty("faces").GetInt32(), all.GetProperty("faces").GetInt32());
        var paged = new List<string>();
        for (var offset = 0; offset < total; offset += 7)
        {
            var page = await Json(await client.GetAsync($"/api/gallery?offset={offset}&limit=7"));
            Assert.Equal((total, offset, 7), (page.GetProperty("total").GetInt32(), page.GetProperty("offset").GetInt32(), page.GetProperty("limit").GetInt32()));
            paged.AddRange(page.GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("identity").GetString()!));
        }
        Assert.Equal(names, paged);

        var first = await Json(await client.GetAsync("/api/gallery/files"));
        Assert.Equal((0, 100), (first.GetProperty("offset").GetInt32(), first.GetProperty("limit").GetInt32()));
        var files = first.GetProperty("total").GetInt32();
        Assert.True(files > 100, $"{files} photos");
        var paths = new List<string>();
        for (var offset = 0; offset < files; offset += 50)
        {
            var page = await Json(await client.GetAsync($"/api/gallery/files?offset={offset}&limit=50"));
            Assert.Equal(files, page.GetProperty("total").GetInt32());
            paths.AddRange(page.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!));
        }
        Assert.Equal(files, paths.Distinct().Count());
        Assert.Empty((await Json(await client.GetAsync($"/api/gallery/files?offset={files}"))).GetProperty("files").EnumerateArray());

        foreach (var query in new[] { "offset=-1", "limit=0", "limit=1001", "limit=abc", "offset=1.5", "limit=5&limit=6", "offset=", "limit=%2B5" })
            foreach (var list in new[] { "/api/gallery", "/api/gallery/files" })
            {
                var response = await client.GetAsync($"{list}?{query}");
                Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{list}?{query}: {response.StatusCode}");
                var error = (await Json(response)).GetProperty("error").GetString()!;
                Assert.Contains(query.StartsWith("offset", StringComparison.Ordinal) ? "'offset'" : "'limit'", error);
            }
    }

    [Fact]
    public async Task The_map_of_a_gallery_beyond_its_size_shows_a_sample_whose_faces_come_by_url()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, MapFaces = 40 });
        var client = app.GetTestClient();
        var faces = (await Json(await client.GetAsync("/health"))).GetProperty("faces").GetInt32();
        var html = await MapWhenReady(client);
        Assert.Contains($"Showing 40 of {faces} faces (a sample)", html);
        Assert.DoesNotContain("data:image", html);
        var urls = Regex.Matches(html, "data-href=\"([^\"]+)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
        Assert.Equal(40, urls.Count);
        Assert.All(urls, u => Assert.Matches("^/api/faces/[0-9]+/thumbnail$", u));
        var thumbnail = await client.GetAsync(urls[0]);
        Assert.Equal(HttpStatusCode.OK, thumbnail.StatusCode);
        Assert.Equal("image/jpeg", thumbnail.Content.Headers.ContentType?.MediaType);
        Assert.True(thumbnail.Headers.CacheControl is { Private: true, MaxAge: not null }, $"{thumbnail.Headers.CacheControl}");
        var etag = thumbnail.Headers.ETag ?? throw new Xunit.Sdk.XunitException("no ETag");
        var again = new HttpRequestMessage(HttpMethod.Get, urls[0]);
        again.Headers.IfNoneMatch.Add(etag);
        Assert.Equal(HttpStatusCode.NotModified, (await client.SendAsync(again)).StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_lists_the_endpoints()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var doc = await Json(await app.GetTestClient().GetAsync("/openapi/v1.json"));
        var paths = doc.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        foreach (var p in new[] { "/api/match", "/api/compare", "/api/gallery", "/api/gallery/{identity}", "/api/faces/{id}/thumbnail", "/api/gallery/{identity}/faces", "/health" })
            Assert.Contains(p, paths);
    }
}
