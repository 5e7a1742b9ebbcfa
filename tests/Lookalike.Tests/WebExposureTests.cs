using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lookalike.Gallery;
using Lookalike.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.Tests;

/// <summary>Issue #15, "safe to expose": each defect an attacker's read of the server found, over real HTTP in memory.</summary>
[Collection(WebCollection.Name)]
public class WebExposureTests(WebGalleryFixture gallery)
{
    private const string Key = "s3cret-key";
    private static readonly string Couple = Path.Combine(Shared.Set("edge-cases"), "images", "multi_face", "couple.jpg");
    private static readonly string Jolie = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie");
    private static readonly string[] UploadEndpoints = ["/api/match", "/api/live?session=s", "/api/compare", "/api/explain", "/api/gallery/New/faces"];

    private static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static HttpRequestMessage Keyed(HttpMethod method, string url, HttpContent? content = null) =>
        new(method, url) { Content = content, Headers = { { Api.ApiKeyHeader, Key } } };

    private static ByteArrayContent Raw(string contentType, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        return content;
    }

    private static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];

    /// <summary>Hostile multipart bodies: each with the status it must get and a word its reason must contain.</summary>
    private static IEnumerable<(string Name, HttpContent Content, HttpStatusCode Status, string Reason)> MalformedBodies()
    {
        const string type = "multipart/form-data; boundary=zz";
        var jpeg = File.ReadAllBytes(Path.Combine(Jolie, "img1.jpg"));
        var partHead = "--zz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n";
        yield return ("garbage", Raw(type, Bytes("garbage")), HttpStatusCode.BadRequest, "multipart");
        yield return ("no boundary", Raw("multipart/form-data", Bytes("--zz\r\n")), HttpStatusCode.BadRequest, "boundary");
        yield return ("cut mid-part", Raw(type, Concat(Bytes(partHead), jpeg[..(jpeg.Length / 2)])), HttpStatusCode.BadRequest, "multipart");
        var headers = string.Concat(Enumerable.Range(0, 20).Select(i => $"X-Header-{i}: {i}\r\n"));
        yield return ("20 part headers", Raw(type, Concat(Bytes($"--zz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\n{headers}\r\n"), new byte[4096], Bytes("\r\n--zz--\r\n"))),
            HttpStatusCode.BadRequest, "header");
        var parts = string.Concat(Enumerable.Range(0, 1100).Select(i => $"--zz\r\nContent-Disposition: form-data; name=\"f{i}\"\r\n\r\nx\r\n")) + "--zz--\r\n";
        yield return ("1,100 parts", Raw(type, Bytes(parts)), HttpStatusCode.BadRequest, "count");
    }

    [Fact]
    public async Task Malformed_multipart_gets_400_with_a_reason_on_every_upload_endpoint()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, ApiKey = Key });
        var client = app.GetTestClient();
        foreach (var endpoint in UploadEndpoints)
        {
            foreach (var (name, content, status, reason) in MalformedBodies())
            {
                var response = await client.SendAsync(Keyed(HttpMethod.Post, endpoint, content));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == status, $"{endpoint}, {name}: {(int)response.StatusCode} {body}");
                Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
                var error = JsonDocument.Parse(body).RootElement.GetProperty("error").GetString()!;
                Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
                Assert.DoesNotContain("MB limit", error);
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    /// <summary>A body whose length is not announced (sent chunked), so only reading it can find it too large.</summary>
    private sealed class UnknownLength(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Too_large_is_decided_by_size_not_by_message_text()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, MaxUploadBytes = 512 * 1024 });
        var client = app.GetTestClient();
        var couple = File.ReadAllBytes(Couple); // 944 KB
        var head = Bytes("--zz\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n");
        var chunked = new UnknownLength(Concat(head, couple, Bytes("\r\n--zz--\r\n")));
        chunked.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=zz");
        var response = await client.PostAsync("/api/match", chunked);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("over the 0.5 MB limit", (await Json(response)).GetProperty("error").GetString());

        // Small bodies that break a parser limit are malformed, not too large.
        var (_, content, _, _) = MalformedBodies().Single(b => b.Name == "20 part headers");
        var headers = await client.PostAsync("/api/match", content);
        Assert.Equal(HttpStatusCode.BadRequest, headers.StatusCode);
        Assert.Contains("headers count limit", (await Json(headers)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Identity_names_with_a_slash_round_trip_through_their_urls()
    {
        using var tmp = new TempDir();
        var db = gallery.CopyDb(tmp);
        // Over a real socket: the request line as sent is what tells "AC%2FDC" (a slash) from "AC%252FDC" (the text "%2F").
        var (app, client) = await BrowserTests.ServeOverHttp(new WebOptions { Db = db, ApiKey = Key });
        await using var _ = app;
        using var __ = client;
        var photo = Path.Combine(Jolie, "img1.jpg");

        var added = await client.SendAsync(Keyed(HttpMethod.Post, "/api/gallery/AC%2FDC/faces", WebShellTests.Form("image", photo)));
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        Assert.Equal("AC/DC", (await Json(added)).GetProperty("identity").GetString());
        // A name that contains the text "%2F" is another identity, reached by encoding its '%'.
        var literal = await client.SendAsync(Keyed(HttpMethod.Post, "/api/gallery/AC%252FDC/faces", WebShellTests.Form("image", Path.Combine(Jolie, "img2.jpg"))));
        Assert.Equal("AC%2FDC", (await Json(literal)).GetProperty("identity").GetString());

        var list = (await Json(await client.GetAsync("/api/gallery"))).GetProperty("identities").EnumerateArray().Select(i => i.GetProperty("identity").GetString()).ToList();
        Assert.Contains("AC/DC", list);
        Assert.Contains("AC%2FDC", list);
        var one = await Json(await client.GetAsync("/api/gallery/AC%2FDC"));
        Assert.Equal("AC/DC", one.GetProperty("identity").GetString());
        Assert.Equal(1, one.GetProperty("faces").GetArrayLength());
        Assert.Equal("AC%2FDC", (await Json(await client.GetAsync("/api/gallery/AC%252FDC"))).GetProperty("identity").GetString());
        Assert.Equal("image/png", (await client.GetAsync("/api/gallery/AC%2FDC/average")).Content.Headers.ContentType?.MediaType);

        var removed = await client.SendAsync(Keyed(HttpMethod.Delete, "/api/gallery/AC%2FDC"));
        Assert.Equal("AC/DC", (await Json(removed)).GetProperty("identity").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/gallery/AC%2FDC")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/gallery/AC%252FDC")).StatusCode);
    }

    [Fact]
    public async Task Labelled_names_with_a_slash_are_readable_and_paths_are_relative_photos_only()
    {
        using var tmp = new TempDir();
        var root = tmp["band"];
        tmp.Copy(Path.Combine(Jolie, "img1.jpg"), "band/photos/one.jpg");
        tmp.Copy(Path.Combine(Jolie, "img2.jpg"), "band/photos/two.jpg");
        File.WriteAllText(tmp["band/labels.csv"], "path,identity\nphotos/one.jpg,AC/DC\nphotos/two.jpg,AC/DC\n");
        var db = tmp["band.db"];
        using (var pipeline = new Faces.FacePipeline(new Models.ModelStore()))
        using (var store = new SqliteGalleryStore(db))
            new GalleryIndexer(pipeline, store).Index(root, new IndexOptions { Labels = GalleryIndexer.ReadLabels(tmp["band/labels.csv"]) });

        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = db, ApiKey = Key });
        var client = app.GetTestClient();
        var faces = (await Json(await client.GetAsync("/api/gallery/AC%2FDC"))).GetProperty("faces");
        Assert.Equal(2, faces.GetArrayLength());
        Assert.Equal(["photos/one.jpg", "photos/two.jpg"], faces.EnumerateArray().Select(f => f.GetProperty("path").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/gallery/AC%2FDC/average")).StatusCode);

        var files = (await Json(await client.GetAsync("/api/gallery/files"))).GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!).ToList();
        Assert.Equal(["photos/one.jpg", "photos/two.jpg"], files.Order(StringComparer.Ordinal));

        // Absolute paths only for a keyed request that asks for them.
        var absolute = await Json(await client.SendAsync(Keyed(HttpMethod.Get, "/api/gallery/files?paths=absolute")));
        Assert.All(absolute.GetProperty("files").EnumerateArray(), f => Assert.StartsWith(root, f.GetProperty("path").GetString()));
        var unkeyed = await Json(await client.GetAsync("/api/gallery/files?paths=absolute"));
        Assert.All(unkeyed.GetProperty("files").EnumerateArray(), f => Assert.False(Path.IsPathRooted(f.GetProperty("path").GetString())));

        var removed = await client.SendAsync(Keyed(HttpMethod.Delete, "/api/gallery/AC%2FDC"));
        Assert.Equal(2, (await Json(removed)).GetProperty("removed_faces").GetInt32());
    }

    [Fact]
    public async Task Reads_do_not_reveal_the_servers_folders()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var serverFolder = gallery.Dir.Path;
        var hanks = await client.GetStringAsync("/api/gallery/Tom_Hanks");
        var files = await client.GetStringAsync("/api/gallery/files");
        var match = await (await client.PostAsync("/api/match", WebShellTests.Form("image", gallery.CelebQueries["Tom_Hanks"]))).Content.ReadAsStringAsync();
        foreach (var body in new[] { hanks, files, match })
            Assert.DoesNotContain(serverFolder, body);
        var face = JsonDocument.Parse(hanks).RootElement.GetProperty("faces")[0];
        Assert.StartsWith("Tom_Hanks/", face.GetProperty("path").GetString());
        var best = JsonDocument.Parse(match).RootElement.GetProperty("faces")[0].GetProperty("matches")[0];
        Assert.StartsWith("Tom_Hanks/", best.GetProperty("best_face_path").GetString());
    }

    [Fact]
    public async Task Look_alike_and_invisible_character_names_are_refused_and_nfc_is_one_name()
    {
        using var tmp = new TempDir();
        var db = gallery.CopyDb(tmp);
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = db, ApiKey = Key });
        var client = app.GetTestClient();
        var photo = Path.Combine(Jolie, "img1.jpg");
        async Task<HttpResponseMessage> Add(string name, string? other = null) =>
            await client.SendAsync(Keyed(HttpMethod.Post, $"/api/gallery/{Uri.EscapeDataString(name)}/faces", WebShellTests.Form("image", other ?? photo)));

        foreach (var hidden in new[] { "Tom\u200B_Hanks", "Tom_Hanks\u200D", "\u202Eskna_moT", "Tom\u2066_Hanks", "Tom\u00AD_Hanks", "Tom_Hanks\uFEFF" })
        {
            var refused = await Add(hidden);
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{Uri.EscapeDataString(hidden)}: {refused.StatusCode}");
            Assert.Contains("invisible", (await Json(refused)).GetProperty("error").GetString());
        }
        var cyrillic = await Add("T\u043Em_Hanks"); // Cyrillic о
        Assert.Equal(HttpStatusCode.BadRequest, cyrillic.StatusCode);
        Assert.Contains("Cyrillic", (await Json(cyrillic)).GetProperty("error").GetString());
        foreach (var lookalike in new[] { "tom hanks", "Tom-Hanks", "Ｔｏｍ_Ｈａｎｋｓ" })
        {
            var conflict = await Add(lookalike);
            Assert.True(conflict.StatusCode == HttpStatusCode.Conflict, $"{lookalike}: {conflict.StatusCode} {await conflict.Content.ReadAsStringAsync()}");
            Assert.Contains("'Tom_Hanks'", (await Json(conflict)).GetProperty("error").GetString());
        }

        var decomposed = await Add("Jose\u0301"); // é as e + combining acute
        Assert.Equal("Jos\u00E9", (await Json(decomposed)).GetProperty("identity").GetString());
        var again = await Add("Jos\u00E9", Path.Combine(Jolie, "img2.jpg")); // the same photo twice is one face
        Assert.Equal(2, (await Json(again)).GetProperty("faces").GetInt32());
        Assert.Equal("Jos\u00E9", (await Json(await client.GetAsync("/api/gallery/Jose%CC%81"))).GetProperty("identity").GetString());
        Assert.Equal(HttpStatusCode.Created, (await Add("小泉進次郎")).StatusCode); // Japanese and other single-script names stay welcome
    }

    [Fact]
    public async Task Hostile_names_through_every_identity_route_never_get_a_500()
    {
        using var tmp = new TempDir();
        var db = gallery.CopyDb(tmp);
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = db, ApiKey = Key });
        var client = app.GetTestClient();
        var photo = Path.Combine(Jolie, "img1.jpg");
        string[] names = ["..", ".", "%", "%%", "%2", "%00", "a%00b", "\\", "a\\b", " ", "\t", "a\r\nSet-Cookie: x=1", "<script>alert(1)</script>", "' OR 1=1 --",
            "\u202Egnp.exe", "a\u200Bb", "\uFEFF", "\uD83D\uDE00 Smile", "\uD800", "files", "map", new string('x', 201), new string('名', 200), "AC/DC/../x", "/", "//", "?a=b", "#frag"];
        // 405: "." and ".." segments are resolved before routing; 202: "map" is the gallery map's route, which answers
        // 202 while its layout is still under way (past 5 s on a loaded machine).
        var allowed = new[] { 200, 201, 202, 400, 401, 403, 404, 405, 409, 413, 415, 422 };
        foreach (var name in names)
        {
            var segment = Uri.EscapeDataString(name);
            foreach (var (method, url, content) in new (HttpMethod, string, HttpContent?)[]
            {
                (HttpMethod.Post, $"/api/gallery/{segment}/faces", WebShellTests.Form("image", photo)),
                (HttpMethod.Get, $"/api/gallery/{segment}", null),
                (HttpMethod.Get, $"/api/gallery/{segment}/average", null),
                (HttpMethod.Delete, $"/api/gallery/{segment}", null),
            })
            {
                var response = await client.SendAsync(Keyed(method, url, content));
                Assert.True(allowed.Contains((int)response.StatusCode), $"{method} {url}: {(int)response.StatusCode}");
            }
        }
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
    }

    [Fact]
    public async Task With_protected_reads_thumbnails_cannot_be_enumerated_without_the_key()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, ApiKey = Key, ProtectReads = true });
        var client = app.GetTestClient();
        for (var id = 1; id <= 20; id++)
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/faces/{id}/thumbnail")).StatusCode);
        var denied = await client.GetAsync("/api/gallery");
        Assert.Equal(HttpStatusCode.Unauthorized, denied.StatusCode);
        Assert.Contains("protects reads", (await Json(denied)).GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Keyed(HttpMethod.Get, "/api/faces/1/thumbnail"))).StatusCode);

        // The URLs the server hands out are unguessable signed links that need no key, each for its own path only.
        var faces = (await Json(await client.SendAsync(Keyed(HttpMethod.Get, "/api/gallery/Tom_Hanks")))).GetProperty("faces");
        var signed = faces[0].GetProperty("thumbnail").GetString()!;
        Assert.Matches(@"^/api/faces/\d+/thumbnail\?sig=[A-Za-z0-9_-]{24}$", signed);
        Assert.Equal("image/jpeg", (await client.GetAsync(signed)).Content.Headers.ContentType?.MediaType);
        var faceId = faces[0].GetProperty("id").GetInt64();
        var sig = signed[(signed.IndexOf("sig=", StringComparison.Ordinal) + 4)..];
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/faces/{faceId + 1}/thumbnail?sig={sig}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/faces/{faceId}/thumbnail?sig={sig[..^1]}{(sig[^1] == 'A' ? 'B' : 'A')}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync($"/api/gallery?sig={sig}")).StatusCode);
        var map = await Json(await client.SendAsync(Keyed(HttpMethod.Get, "/api/links?path=%2Fapi%2Fgallery%2Fmap")));
        Assert.Equal("text/html", (await client.GetAsync(map.GetProperty("url").GetString())).Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/links?path=%2Fapi%2Fgallery%2Fmap")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.SendAsync(Keyed(HttpMethod.Get, "/api/links?path=%2Fapi%2Fgallery"))).StatusCode);

        await using var keyless = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, ProtectReads = true });
        var noKey = await keyless.GetTestClient().GetAsync("/api/gallery");
        Assert.Equal(HttpStatusCode.Forbidden, noKey.StatusCode);
        Assert.Contains("reads are protected", (await Json(noKey)).GetProperty("error").GetString());
    }
}

/// <summary>The NFC tables the web app carries (InvariantGlobalization makes string.Normalize a no-op).</summary>
public class NfcTests
{
    [Theory]
    [InlineData("Jose\u0301", "Jos\u00E9")]
    [InlineData("Jos\u00E9", "Jos\u00E9")]
    [InlineData("\u212B", "\u00C5")] // Angstrom sign → Å (a singleton)
    [InlineData("A\u030A", "\u00C5")]
    [InlineData("e\u0302\u0323", "\u1EC7")] // marks out of canonical order
    [InlineData("e\u0323\u0302", "\u1EC7")]
    [InlineData("\u1100\u1161\u11A8", "\uAC01")] // Hangul jamo → 각
    [InlineData("\u304B\u3099", "\u304C")] // か + combining dakuten → が
    [InlineData("\u0915\u093C", "\u0915\u093C")] // Devanagari nukta: a composition exclusion stays decomposed
    [InlineData("小泉進次郎", "小泉進次郎")]
    [InlineData("a\u0301\u0301", "\u00E1\u0301")]
    public void Normalizes_to_nfc(string input, string expected) => Assert.Equal(expected, Nfc.Normalize(input));
}

/// <summary>Issue #15 items 6-8: the map's cost, separate rate limits, deployment headers.</summary>
[Collection(WebCollection.Name)]
public class WebHardeningTests(WebGalleryFixture gallery)
{
    private const string Key = "s3cret-key";

    [Fact]
    public async Task The_map_is_laid_out_in_the_background_once_per_gallery_version_however_many_ask_at_once()
    {
        using var tmp = new TempDir();
        var db = gallery.CopyDb(tmp);
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = db, ApiKey = Key });
        var client = app.GetTestClient();
        var service = app.Services.GetRequiredService<GalleryService>();
        var first = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync("/api/gallery/map")));
        // Ready within the wait, or 202 (nothing to show yet) with a page that reloads itself.
        Assert.All(first, r => Assert.True(r.StatusCode is HttpStatusCode.OK or HttpStatusCode.Accepted, $"{r.StatusCode}"));
        Assert.All(first.Where(r => r.StatusCode == HttpStatusCode.Accepted), r => Assert.Equal("computing", r.Headers.GetValues("X-Map-Status").Single()));
        var map = await WebApiTests.MapWhenReady(client);
        Assert.Equal(1, service.MapComputations);
        Assert.Equal(map, await client.GetStringAsync("/api/gallery/map"));
        Assert.Equal(1, service.MapComputations);

        var add = new HttpRequestMessage(HttpMethod.Post, "/api/gallery/Someone/faces")
        {
            Content = WebShellTests.Form("image", Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie", "img1.jpg")),
            Headers = { { Api.ApiKeyHeader, Key } },
        };
        Assert.Equal(HttpStatusCode.Created, (await client.SendAsync(add)).StatusCode);
        // Until the new layout is done, the previous map is shown, marked stale.
        var during = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.GetAsync("/api/gallery/map")));
        foreach (var r in during.Where(r => r.Headers.GetValues("X-Map-Status").Single() == "stale"))
        {
            var stale = await r.Content.ReadAsStringAsync();
            Assert.Contains("The gallery has changed since this map was laid out", stale);
            Assert.DoesNotContain("Someone", stale);
        }
        var second = await WebApiTests.MapWhenReady(client);
        Assert.Contains("Someone", second);
        Assert.Equal(2, service.MapComputations);
    }

    /// <summary>Gives every request the same remote address, as a reverse proxy in front of the app would.</summary>
    private sealed class FromAddress(string address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> Configure(Action<Microsoft.AspNetCore.Builder.IApplicationBuilder> next) => app =>
        {
            app.Use((context, inner) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
                return inner(context);
            });
            next(app);
        };
    }

    private static async Task<Microsoft.AspNetCore.Builder.WebApplication> Start(WebOptions options)
    {
        var app = WebApp.Build(options, configure: b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new FromAddress("10.0.0.7"));
        });
        await app.StartAsync();
        return app;
    }

    private static HttpRequestMessage Get(string url, string? forwardedFor = null, string? key = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (forwardedFor is not null) request.Headers.Add("X-Forwarded-For", forwardedFor);
        if (key is not null) request.Headers.Add(Api.ApiKeyHeader, key);
        return request;
    }

    [Fact]
    public async Task Rate_limits_spare_health_and_the_page_give_keyed_clients_their_own_bucket_and_say_when_to_retry()
    {
        await using var app = await Start(new WebOptions { Db = gallery.Db, ApiKey = Key, RateLimitPerMinute = 3 });
        var client = app.GetTestClient();
        for (var i = 0; i < 3; i++) Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/api/gallery"))).StatusCode);
        var refused = await client.SendAsync(Get("/api/gallery"));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {refused.Headers.RetryAfter}");
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("retry in", body.GetProperty("error").GetString());

        for (var i = 0; i < 10; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/health"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/"))).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/app.js"))).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/api/gallery", key: Key))).StatusCode);
        // An untrusted X-Forwarded-For does not buy a fresh bucket.
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Get("/api/gallery", forwardedFor: "203.0.113.9"))).StatusCode);
    }

    [Fact]
    public async Task Forwarded_for_counts_only_from_a_trusted_proxy()
    {
        await using var app = await Start(new WebOptions { Db = gallery.Db, RateLimitPerMinute = 2, TrustedProxies = ["10.0.0.0/8"] });
        var client = app.GetTestClient();
        for (var i = 0; i < 2; i++) Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/api/gallery", forwardedFor: "203.0.113.1"))).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await client.SendAsync(Get("/api/gallery", forwardedFor: "203.0.113.1"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(Get("/api/gallery", forwardedFor: "203.0.113.2"))).StatusCode);
    }

    [Fact]
    public async Task Pages_refuse_framing_and_other_hosts_when_hosts_are_listed()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, AllowedHosts = ["lookalike.example"] });
        var client = app.GetTestClient();
        var page = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { Host = "lookalike.example" } });
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("frame-ancestors 'none'", page.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        var map = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/gallery/map") { Headers = { Host = "lookalike.example" } });
        Assert.Contains("frame-ancestors 'none'", map.Headers.GetValues("Content-Security-Policy").Single());
        var rebound = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/gallery") { Headers = { Host = "attacker.example" } });
        Assert.Equal(HttpStatusCode.BadRequest, rebound.StatusCode);
        var css = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/style.css") { Headers = { Host = "lookalike.example" } });
        Assert.Contains("[hidden] { display: none !important; }", await css.Content.ReadAsStringAsync());
    }
}
