using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Lookalike.Faces;
using Lookalike.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.Tests;

/// <summary>The web shell: access as group filters, problem details, the request's cancellation reaching the models.</summary>
[Collection(WebCollection.Name)]
public class WebShellTests(WebGalleryFixture gallery)
{
    private static readonly string ManyFaces = Path.Combine(Shared.Set("edge-cases"), "images", "multi_face", "selfie-many-people.jpg");

    internal static MultipartFormDataContent Form(string field, string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { content, field, Path.GetFileName(path) } };
    }

    /// <summary>Signals when each request has left the whole server pipeline (filters, handler, exception handler).</summary>
    private sealed class RequestsEnded : IStartupFilter
    {
        public readonly System.Collections.Concurrent.ConcurrentQueue<TaskCompletionSource> Pending = new();

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, inner) =>
            {
                try
                {
                    await inner(context);
                }
                finally
                {
                    if (Pending.TryDequeue(out var ended)) ended.TrySetResult();
                }
            });
            next(app);
        };
    }

    [Fact]
    public async Task A_cancelled_match_stops_its_analysis_after_a_fraction_of_the_model_runs()
    {
        var ends = new RequestsEnded();
        await using var app = WebApp.Build(new WebOptions { Db = gallery.Db, Workers = 1 }, configure: b =>
        {
            b.WebHost.UseTestServer();
            b.Services.AddSingleton<IStartupFilter>(ends);
        });
        await app.StartAsync();
        var client = app.GetTestClient();
        var pipeline = app.Services.GetRequiredService<GalleryService>().Pipeline;

        var before = pipeline.ModelRuns;
        var full = await client.PostAsync("/api/match", Form("image", ManyFaces));
        Assert.Equal(HttpStatusCode.OK, full.StatusCode);
        var faces = JsonDocument.Parse(await full.Content.ReadAsStringAsync()).RootElement.GetProperty("faces").GetArrayLength();
        var fullRuns = pipeline.ModelRuns - before;
        Assert.True(faces >= 5, $"{faces} faces");
        Assert.True(fullRuns >= 1 + 2 * faces, $"{fullRuns} model runs for {faces} faces"); // a detection, then landmarks and embedding per face

        before = pipeline.ModelRuns;
        var ended = new TaskCompletionSource();
        ends.Pending.Enqueue(ended);
        using var abandon = new CancellationTokenSource();
        // The client goes away as soon as the analysis has started (the first model run). A thread of its own watches
        // for it: an await loop could be scheduled only after the whole analysis had finished on a fast machine.
        var watcher = new Thread(() =>
        {
            var spins = 0L;
            while (pipeline.ModelRuns == before && spins++ < 20_000_000_000) Thread.SpinWait(20);
            abandon.Cancel();
        }) { IsBackground = true };
        watcher.Start();
        var request = client.PostAsync("/api/match", Form("image", ManyFaces), abandon.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        await ended.Task.WaitAsync(TimeSpan.FromMinutes(2));
        var cancelledRuns = pipeline.ModelRuns - before;
        Assert.True(cancelledRuns >= 1 && cancelledRuns <= fullRuns / 2, $"cancelled request ran {cancelledRuns} of {fullRuns} model runs");
    }

    [Fact]
    public async Task Closing_the_server_waits_for_an_analysis_under_way_before_freeing_the_models()
    {
        // What a live socket's recognition did when a test closed the server right after it: the models were freed
        // mid-run and the process died (SIGSEGV, exit 139). Now the close waits for the analysis, which finishes whole.
        var service = new GalleryService(new WebOptions { Db = gallery.Db, Workers = 2 });
        var pipeline = service.Pipeline;
        using var image = Imaging.ImageLoader.Load(ManyFaces);
        var before = pipeline.ModelRuns;
        var analysis = Task.Run(() => service.InAnalysisSlotAsync(() => pipeline.Analyze(image, CancellationToken.None), CancellationToken.None),
            TestContext.Current.CancellationToken);
        while (pipeline.ModelRuns == before && !analysis.IsCompleted) Thread.SpinWait(20);
        service.Dispose();
        Assert.True(analysis.IsCompletedSuccessfully, "Dispose returned before the analysis under way had finished");
        Assert.True((await analysis).Faces.Count >= 5);
    }

    [Fact]
    public void A_cancelled_token_stops_the_pipeline_before_any_model_run()
    {
        using var pipeline = new FacePipeline(new Models.ModelStore());
        using var image = Imaging.ImageLoader.Load(ManyFaces);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        var before = pipeline.ModelRuns;
        Assert.ThrowsAny<OperationCanceledException>(() => pipeline.Analyze(image, cancelled.Token));
        Assert.Equal(before, pipeline.ModelRuns);
        Assert.NotEmpty(pipeline.Analyze(image, CancellationToken.None).Faces);
    }

    private static readonly string[] PublicRoutes = ["/health", "/openapi/{documentName}.json"];

    private static string Url(RouteEndpoint e) =>
        "/" + string.Join('/', e.RoutePattern.PathSegments.Select(s => string.Concat(s.Parts.Select(p => p switch
        {
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart l => l.Content,
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "id" } => "1",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart { Name: "identity" } => "Tom_Hanks",
            Microsoft.AspNetCore.Routing.Patterns.RoutePatternParameterPart x => x.Name,
            _ => "",
        }))));

    [Fact]
    public async Task Every_api_route_sits_behind_the_access_filter()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, ApiKey = "k3y", ProtectReads = true });
        var client = app.GetTestClient();
        var endpoints = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().ToList();
        var api = endpoints.Where(e => e.RoutePattern.RawText?.TrimStart('/').StartsWith("api", StringComparison.Ordinal) == true).ToList();
        Assert.True(api.Count >= 12, $"{api.Count} /api endpoints");
        foreach (var e in endpoints.Where(e => !PublicRoutes.Contains(e.RoutePattern.RawText) && !(e.RoutePattern.RawText ?? "").StartsWith("/scalar", StringComparison.Ordinal)))
        {
            Assert.True(e.Metadata.GetMetadata<AccessMetadata>() is not null, $"{e.RoutePattern.RawText} has no access metadata");
            foreach (var method in e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods)
            {
                var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), Url(e)) { Content = method == "POST" ? Form("image", ManyFaces) : null });
                Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{method} {Url(e)} without the key: {response.StatusCode}");
                Assert.Contains(Api.ApiKeyHeader, await response.Content.ReadAsStringAsync());
            }
        }

        // Without --protect-reads, the write group still needs the key and the read group does not.
        await using var open = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, ApiKey = "k3y" });
        var writes = open.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<AccessMetadata>()?.Access == Access.Write).ToList();
        Assert.Equal(2, writes.Count);
        foreach (var e in writes)
        {
            var method = e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Single();
            var response = await open.GetTestClient().SendAsync(new HttpRequestMessage(new HttpMethod(method), Url(e)) { Content = method == "POST" ? Form("image", ManyFaces) : null });
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await open.GetTestClient().GetAsync("/api/gallery")).StatusCode);
    }

    [Fact]
    public async Task Errors_are_problem_details_that_keep_the_error_member()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        foreach (var (response, status) in new[]
        {
            (await client.GetAsync("/api/gallery/Nobody"), 404),
            (await client.GetAsync("/api/no-such-route"), 404),
            (await client.PostAsync("/api/match", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")), 415),
            (await client.DeleteAsync("/api/gallery/Tom_Hanks"), 403),
        })
        {
            Assert.Equal(status, (int)response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(status, body.GetProperty("status").GetInt32());
            Assert.False(string.IsNullOrEmpty(body.GetProperty("title").GetString()));
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        }
    }
}
