using Lookalike.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Lookalike.Tests;

/// <summary>
/// The page in Debian's Chromium (installed by .ci/run), driven by Playwright against the app on a real
/// 127.0.0.1 port. Screenshots go to TestResults/screenshots.
/// </summary>
[Collection(WebCollection.Name)]
public class BrowserTests(WebGalleryFixture gallery)
{
    private const string Chromium = "/usr/bin/chromium";

    private static string Screenshots
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Lookalike.slnx"))) dir = dir.Parent;
            var path = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "TestResults", "screenshots");
            Directory.CreateDirectory(path);
            return path;
        }
    }

    /// <summary>The app on a real 127.0.0.1 port (Kestrel) and a client for it.</summary>
    internal static async Task<(WebApplication App, HttpClient Client)> ServeOverHttp(WebOptions options)
    {
        var (app, url) = await Serve(options);
        return (app, new HttpClient { BaseAddress = new Uri(url) });
    }

    private static async Task<(WebApplication App, string Url)> Serve(WebOptions options)
    {
        var app = WebApp.Build(options, ["--urls", "http://127.0.0.1:0"]);
        await app.StartAsync();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return (app, url);
    }

    private static Task<IBrowser> Launch(IPlaywright pw, params string[] extraArgs)
    {
        Assert.True(File.Exists(Chromium), $"{Chromium} is missing: install Debian's chromium (.ci/run does)");
        return pw.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", .. extraArgs],
        });
    }

    /// <summary>The app served over HTTP with one Chromium page on it; disposing closes the browser, then the app.</summary>
    private sealed class OpenPage(WebApplication app, string url, IPlaywright playwright, IBrowser browser, IPage page) : IAsyncDisposable
    {
        public string Url => url;
        public IBrowser Browser => browser;
        public IPage Page => page;

        /// <summary>Uncaught script errors on <see cref="Page"/>.</summary>
        public List<string> Errors { get; } = [];

        /// <summary>Messages the page logged as errors (a refused fetch logs one too).</summary>
        public List<string> ConsoleErrors { get; } = [];

        public async ValueTask DisposeAsync()
        {
            await browser.DisposeAsync();
            playwright.Dispose();
            await app.DisposeAsync();
        }
    }

    /// <summary>Serves <paramref name="options"/> and opens the page (not yet navigated) in a fresh Chromium.</summary>
    private static async Task<OpenPage> Open(WebOptions options, BrowserNewPageOptions? pageOptions = null, params string[] browserArgs)
    {
        var (app, url) = await Serve(options);
        var playwright = await Playwright.CreateAsync();
        var browser = await Launch(playwright, browserArgs);
        var page = await browser.NewPageAsync(pageOptions ?? new() { ViewportSize = new() { Width = 1100, Height = 900 } });
        var open = new OpenPage(app, url, playwright, browser, page);
        page.PageError += (_, e) => open.Errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error") open.ConsoleErrors.Add(m.Text); };
        return open;
    }

    /// <summary>The gallery tab lists 小泉進次郎, its thumbnails load, and a click on Tom_Hanks shows his 112 px average face.</summary>
    private static async Task GalleryTabShowsPeopleAndAnAverage(IPage page)
    {
        await page.ClickAsync("nav button[data-tab=gallery]");
        await Assertions.Expect(page.Locator("#gallery-people .card .name", new() { HasTextString = "小泉進次郎" })).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#gallery-people img')].every(i => i.complete && (i.naturalWidth > 0 || !i.getAttribute('src')))");
        await page.Locator("#gallery-people .card", new() { HasTextString = "Tom_Hanks" }).ClickAsync();
        await page.WaitForFunctionAsync("() => document.getElementById('average').naturalWidth === 112");
    }

    [Fact]
    public async Task Uploading_a_photo_shows_the_top_match_name()
    {
        await using var open = await Open(new WebOptions { Db = gallery.Db });
        var (url, browser, page) = (open.Url, open.Browser, open.Page);
        var errors = open.ConsoleErrors;
        await page.GotoAsync(url);
        await page.SetInputFilesAsync("#file", gallery.HeldOut["小泉進次郎"]);
        var first = page.Locator("#results .face-row .card:not(.query) .name").First;
        await Assertions.Expect(first).ToHaveTextAsync("小泉進次郎", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#match-status")).ToContainTextAsync("1 face(s)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "upload.png"), FullPage = true });

        // The gallery page lists people and file outcomes.
        await GalleryTabShowsPeopleAndAnAverage(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "gallery.png") });
        var map = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 1000 } });
        await map.GotoAsync(url + "/api/gallery/map");
        await Assertions.Expect(map.Locator("svg g")).ToHaveCountAsync(gallery.FaceCount, new() { Timeout = 30_000 });
        await map.Locator("#mosaic").CheckAsync();
        await map.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "map-mosaic.png") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task The_gallery_tab_pages_and_the_map_shows_a_sample_whose_faces_load_by_url()
    {
        // The map's sample threshold lowered to 60 faces, so this small gallery is sampled as a large one would be.
        await using var open = await Open(new WebOptions { Db = gallery.Db, MapFaces = 60 });
        var (url, browser, page) = (open.Url, open.Browser, open.Page);
        var errors = open.Errors;
        await page.GotoAsync(url);
        await page.ClickAsync("nav button[data-tab=gallery]");
        var rows = page.Locator("#gallery-files tbody tr");
        await Assertions.Expect(page.Locator("#files-range")).ToContainTextAsync("1–100 of ", new() { Timeout = 10_000 });
        await Assertions.Expect(rows).ToHaveCountAsync(100);
        await Assertions.Expect(page.Locator("#files-prev")).ToBeDisabledAsync();
        var firstFile = rows.First.Locator("td").Nth(2);
        var firstPage = await firstFile.TextContentAsync() ?? "";
        await page.ClickAsync("#files-next");
        await Assertions.Expect(page.Locator("#files-range")).ToContainTextAsync("101–200 of ");
        await Assertions.Expect(firstFile).Not.ToHaveTextAsync(firstPage);
        await Assertions.Expect(page.Locator("#files-prev")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#people-pager")).ToBeHiddenAsync(); // 33 people fit one page of 60
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "gallery-files-page-2.png"), FullPage = true });
        await page.ClickAsync("#files-prev");
        await Assertions.Expect(firstFile).ToHaveTextAsync(firstPage);

        var map = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1100, Height = 1000 } });
        var thumbnails = new System.Collections.Concurrent.ConcurrentQueue<int>();
        map.Response += (_, r) => { if (r.Url.Contains("/thumbnail", StringComparison.Ordinal)) thumbnails.Enqueue(r.Status); };
        await map.GotoAsync(url + "/api/gallery/map");
        await Assertions.Expect(map.Locator("svg g")).ToHaveCountAsync(60, new() { Timeout = 60_000 });
        await Assertions.Expect(map.Locator("#note")).ToContainTextAsync("Showing 60 of ");
        await Assertions.Expect(map.Locator("#note")).ToContainTextAsync("(a sample)");
        Assert.Empty(thumbnails); // faces are fetched when shown, not with the page
        await map.Locator("#mosaic").CheckAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (thumbnails.Count < 60 && waited.Elapsed < TimeSpan.FromSeconds(30)) await Task.Delay(100);
        Assert.Equal(60, thumbnails.Count);
        Assert.All(thumbnails, status => Assert.Equal(200, status));
        await map.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "map-sample-mosaic.png") });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Live_mode_follows_a_moving_face_between_answers_and_keeps_its_name()
    {
        using var tmp = new TempDir();
        var y4m = tmp["moving.y4m"];
        Y4m.WriteMoving(gallery.HeldOut["Gregory Peck"], y4m);
        await using var open = await Open(new WebOptions { Db = gallery.Db }, new() { ViewportSize = new() { Width = 900, Height = 1000 }, AcceptDownloads = true }, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={y4m}");
        var (url, page) = (open.Url, open.Page);
        var errors = open.Errors.Concat(open.ConsoleErrors);
        await page.GotoAsync(url);
        await page.ClickAsync("nav button[data-tab=live]");
        await page.ClickAsync("#live-start");
        await Assertions.Expect(page.Locator("#live-results .face-row .query .name").First).ToHaveTextAsync("Gregory Peck", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#live-results .face-row .card:not(.query) .name").First).ToHaveTextAsync("Gregory Peck");

        // Five seconds of a face moving to and fro: the overlay is redrawn between answers (more draws than answers,
        // boxes carried by the track's motion), and the name never changes. Rates are reported, not asserted.
        const string stats = "() => JSON.stringify({ ...window.liveStats, now: performance.now() })";
        var web = new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web);
        var before = System.Text.Json.JsonSerializer.Deserialize<LiveStats>(await page.EvaluateAsync<string>(stats), web)!;
        await page.WaitForTimeoutAsync(5000);
        var after = System.Text.Json.JsonSerializer.Deserialize<LiveStats>(await page.EvaluateAsync<string>(stats), web)!;
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "live.png"), FullPage = true });
        var (answers, draws, moved) = (after.Answers - before.Answers, after.Draws - before.Draws, after.MovedDraws - before.MovedDraws);
        var seconds = (after.Now - before.Now) / 1000;
        var report = $"answers {answers / seconds:F1}/s, overlay draws {draws / seconds:F1}/s ({moved} moved between answers), frames sent {(after.Sent - before.Sent) / seconds:F1}/s, dropped {after.Dropped - before.Dropped}, last latency {after.LatencyMs:F0} ms, first box {after.FaceAt - after.StartedAt:F0} ms after Start, named {after.NamedAt - after.FaceAt:F0} ms after the first box, recognitions {after.Recognitions}";
        TestContext.Current.TestOutputHelper?.WriteLine(report);
        await File.WriteAllTextAsync(Path.Combine(Screenshots, "live-rates.txt"), report + Environment.NewLine);
        Assert.True(answers > 0, report);
        Assert.True(draws > answers, report);
        Assert.True(moved > 0, report);
        Assert.Equal(0, after.Errors);
        Assert.Equal(0, after.LabelChanges);
        Assert.Equal(["Gregory Peck"], after.LabelsSeen);

        // Snapshot: the frame freezes and a PNG of the face beside its look-alikes is offered for download.
        await page.ClickAsync("#live-snapshot");
        await Assertions.Expect(page.Locator("#live-download")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#live-freeze")).ToHaveTextAsync("Resume");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#live-download"));
        var png = Path.Combine(Screenshots, "live-snapshot.png");
        await download.SaveAsAsync(png);
        using (var picture = SkiaSharp.SKBitmap.Decode(png))
        {
            var size = await page.EvaluateAsync<int[]>("() => [liveStats.snapshot.width, liveStats.snapshot.height]");
            Assert.Equal(size, new[] { picture.Width, picture.Height });
        }
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "live-snapshot-page.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Live_mode_names_two_people_in_view_each_with_their_own_row()
    {
        using var tmp = new TempDir();
        var y4m = tmp["two.y4m"];
        string[] people = ["Gregory Peck", "小泉進次郎"];
        using (var frame = LiveSocketTests.SideBySide([.. people.Select(p => gallery.HeldOut[p])])) Y4m.WriteStill(frame, y4m);
        await using var open = await Open(new WebOptions { Db = gallery.Db }, new() { ViewportSize = new() { Width = 900, Height = 1100 } },
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", $"--use-file-for-fake-video-capture={y4m}");
        var page = open.Page;
        await page.GotoAsync(open.Url);
        await page.ClickAsync("nav button[data-tab=live]");
        await page.ClickAsync("#live-start");
        // One row per tracked face, each with its own top match: both people, neither named twice.
        var rows = page.Locator("#live-results .face-row");
        await Assertions.Expect(rows).ToHaveCountAsync(2, new() { Timeout = 20_000 });
        await page.WaitForFunctionAsync("() => liveStats.labels.length === 2 && liveStats.labels.every(l => l)", null, new() { Timeout = 20_000 });
        var firstOfEachRow = await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.querySelector('.card:not(.query) .name').textContent)");
        Assert.Equal(people.Order(StringComparer.Ordinal), firstOfEachRow.Order(StringComparer.Ordinal));
        Assert.Equal(people.Order(StringComparer.Ordinal), (await page.EvaluateAsync<string[]>("() => liveStats.labels")).Order(StringComparer.Ordinal));
        await page.WaitForTimeoutAsync(2000);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "live-two.png"), FullPage = true });
        Assert.Equal(0, await page.EvaluateAsync<int>("() => liveStats.labelChanges"));
        Assert.Equal(0, await page.EvaluateAsync<int>("() => liveStats.errors"));
        Assert.Empty(open.Errors);
    }

    /// <summary>The page's window.liveStats counters.</summary>
    private sealed record LiveStats(double Sent, double Answers, double Dropped, double Errors, double Draws, double MovedDraws, double LabelChanges,
        double Recognitions, double LatencyMs, string[] LabelsSeen, double StartedAt, double FaceAt, double NamedAt, double Now);

    [Fact]
    public async Task Compare_page_shows_the_verdict_on_a_phone_screen()
    {
        await using var open = await Open(new WebOptions { Db = gallery.Db }, new() { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true });
        var (url, page) = (open.Url, open.Page);
        await page.GotoAsync(url);
        await page.ClickAsync("nav button[data-tab=compare]");
        var jolie = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie");
        await page.SetInputFilesAsync("#file-a", Path.Combine(jolie, "img1.jpg"));
        await page.SetInputFilesAsync("#file-b", Path.Combine(jolie, "img2.jpg"));
        await Assertions.Expect(page.Locator("#compare-result")).ToContainTextAsync("Same person", new() { Timeout = 20_000 });
        await Assertions.Expect(page.Locator("#explain")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.WaitForFunctionAsync("() => document.getElementById('explain').naturalWidth > 600");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "compare-phone.png"), FullPage = true });
    }

    [Fact]
    public async Task With_protected_reads_the_page_asks_for_the_key_once_and_everything_works()
    {
        await using var open = await Open(new WebOptions { Db = gallery.Db, ApiKey = "page-key", ProtectReads = true });
        var (url, page) = (open.Url, open.Page);
        var errors = open.Errors;
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("#key-form")).ToBeHiddenAsync();

        await page.SetInputFilesAsync("#file", gallery.HeldOut["小泉進次郎"]);
        await Assertions.Expect(page.Locator("#key-form")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#key-reason")).ToContainTextAsync("X-Api-Key");
        await page.FillAsync("#key-input", "page-key");
        await page.ClickAsync("#key-form button");
        var first = page.Locator("#results .face-row .card:not(.query) .name").First;
        await Assertions.Expect(first).ToHaveTextAsync("小泉進次郎", new() { Timeout = 20_000 });
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('#results .card:not(.query) img')].every(i => i.complete && i.naturalWidth === 112)");
        await Assertions.Expect(page.Locator("#key-form")).ToBeHiddenAsync();

        await GalleryTabShowsPeopleAndAnAverage(page);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, "protected-gallery.png") });

        var popup = await page.RunAndWaitForPopupAsync(() => page.ClickAsync("#map-link"));
        await Assertions.Expect(popup.Locator("svg g")).ToHaveCountAsync(gallery.FaceCount, new() { Timeout = 30_000 });

        await page.ClickAsync("nav button[data-tab=compare]");
        var jolie = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie");
        await page.SetInputFilesAsync("#file-a", Path.Combine(jolie, "img1.jpg"));
        await page.SetInputFilesAsync("#file-b", Path.Combine(jolie, "img2.jpg"));
        await Assertions.Expect(page.Locator("#compare-result")).ToContainTextAsync("Same person", new() { Timeout = 20_000 });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task Hidden_boxes_stay_hidden_on_the_gallery_tab()
    {
        await using var open = await Open(new WebOptions { Db = gallery.Db });
        var (url, page) = (open.Url, open.Page);
        await page.GotoAsync(url);
        await page.ClickAsync("nav button[data-tab=gallery]");
        await Assertions.Expect(page.Locator("#gallery-people .card").First).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#average")).ToBeHiddenAsync();
        await Assertions.Expect(page.Locator("#key-form")).ToBeHiddenAsync();
        Assert.Equal(0, await page.EvaluateAsync<int>("() => document.getElementById('average').getBoundingClientRect().height"));
    }
}
