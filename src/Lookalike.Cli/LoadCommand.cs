using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using Lookalike.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.Cli;

/// <summary>
/// `lookalike load`: a bounded load benchmark of POST /api/match against the web app started in this process on
/// 127.0.0.1 (never another address): latency percentiles, requests/s, errors and memory before and after.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var db = new Option<string>("--db") { Description = "Gallery database", DefaultValueFactory = _ => "gallery.db" };
        var photo = new Option<FileInfo?>("--photo") { Description = "Photo to send (default: a one-face deepface photo from shared/data)" };
        var requests = new Option<int>("--requests") { Description = "Requests to send (at most 100,000)", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight (at most 256)", DefaultValueFactory = _ => 16 };
        var seconds = new Option<int>("--max-seconds") { Description = "Stop sending after this long", DefaultValueFactory = _ => 600 };
        var cmd = new Command("load", "Load-test POST /api/match on 127.0.0.1 (bounded in count and time)") { db, photo, requests, concurrency, seconds };
        cmd.SetAction(parse => Commands.Run(parse, () =>
        {
            var bytes = File.ReadAllBytes(parse.GetValue(photo)?.FullName
                ?? DemoCommand.FindShared("deepface-pairs/images/Angelina_Jolie/img2.jpg")
                ?? throw new CliException("no --photo given and shared/data not found"));
            var total = Math.Clamp(parse.GetValue(requests), 1, 100_000);
            var inFlight = Math.Clamp(parse.GetValue(concurrency), 1, 256);
            var app = WebApp.Build(new WebOptions { Db = parse.GetValue(db)!, ModelsDir = Commands.ModelsDirectory(parse) }, ["--urls", "http://127.0.0.1:0"]);
            app.StartAsync().GetAwaiter().GetResult();
            try
            {
                var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
                if (!new Uri(url).IsLoopback) throw new CliException($"refusing to load a non-loopback address: {url}");
                using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) };
                Send(http, bytes); // warm-up
                for (var i = 0; i < 20; i++) Send(http, bytes);
                var before = Memory();
                var latencies = new double[total];
                var errors = 0;
                var statuses = new Dictionary<int, int>();
                var next = -1;
                var deadline = Stopwatch.StartNew();
                var limit = TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds)));
                var workers = Enumerable.Range(0, inFlight).Select(_ => Task.Run(async () =>
                {
                    int i;
                    while ((i = Interlocked.Increment(ref next)) < total && deadline.Elapsed < limit)
                    {
                        var sw = Stopwatch.StartNew();
                        int status;
                        try
                        {
                            using var response = await http.PostAsync("/api/match?top=5", Form(bytes));
                            await response.Content.ReadAsByteArrayAsync();
                            status = (int)response.StatusCode;
                        }
                        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                        {
                            status = 0;
                        }
                        latencies[i] = sw.Elapsed.TotalMilliseconds;
                        lock (statuses) statuses[status] = statuses.GetValueOrDefault(status) + 1;
                        if (status != 200) Interlocked.Increment(ref errors);
                    }
                })).ToArray();
                Task.WaitAll(workers);
                var elapsed = deadline.Elapsed.TotalSeconds;
                var sent = Math.Min(total, next);
                var done = latencies.Take(sent).Order().ToArray();
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var after = Memory();
                double P(double q) => done.Length == 0 ? double.NaN : done[Math.Min(done.Length - 1, (int)Math.Ceiling(q * done.Length) - 1)];
                var result = new
                {
                    url,
                    requests = sent,
                    concurrency = inFlight,
                    seconds = Math.Round(elapsed, 1),
                    requests_per_second = Math.Round(sent / elapsed, 1),
                    p50_ms = Math.Round(P(0.50), 1),
                    p95_ms = Math.Round(P(0.95), 1),
                    p99_ms = Math.Round(P(0.99), 1),
                    errors,
                    statuses = statuses.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value),
                    working_set_mb_before = before.WorkingSet,
                    working_set_mb_after = after.WorkingSet,
                    managed_heap_mb_before = before.Managed,
                    managed_heap_mb_after = after.Managed,
                    photo_bytes = bytes.Length,
                };
                Output.WriteJson(result);
                return errors == 0 ? 0 : 1;
            }
            finally
            {
                app.StopAsync().GetAwaiter().GetResult();
            }
        }));
        return cmd;
    }

    private static MultipartFormDataContent Form(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        return new MultipartFormDataContent { { content, "image", "photo.jpg" } };
    }

    private static void Send(HttpClient http, byte[] bytes)
    {
        using var response = http.PostAsync("/api/match?top=5", Form(bytes)).GetAwaiter().GetResult();
        if (!response.IsSuccessStatusCode) throw new CliException($"warm-up request failed: {(int)response.StatusCode}");
    }

    private static (double WorkingSet, double Managed) Memory()
    {
        using var p = Process.GetCurrentProcess();
        return (Math.Round(p.WorkingSet64 / 1048576.0, 1), Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, 1));
    }
}
