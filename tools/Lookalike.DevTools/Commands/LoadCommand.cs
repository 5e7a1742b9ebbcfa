using System.CommandLine;
using System.Diagnostics;
using System.Net.Http.Headers;
using Lookalike.Cli;
using Lookalike.Evaluation;
using Lookalike.Web;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Lookalike.DevTools;

/// <summary>
/// `load` (dev tools): a bounded load benchmark of POST /api/match against the web app started in this process on
/// 127.0.0.1 (never another address): latency percentiles, requests/s, errors and memory before and after.
/// </summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var db = DevOptions.StoreOption("Gallery store");
        var photo = new Option<FileInfo?>("--photo") { Description = "Photo to send (default: a one-face deepface photo from shared/data)" };
        var requests = new Option<int>("--requests") { Description = "Requests to send (at most 100,000)", DefaultValueFactory = _ => 2000 };
        var concurrency = new Option<int>("--concurrency") { Description = "Requests in flight (at most 256)", DefaultValueFactory = _ => 16 };
        var seconds = new Option<int>("--max-seconds") { Description = "Stop sending after this long", DefaultValueFactory = _ => 600 };
        var live = new Option<bool>("--live") { Description = "Stream webcam-like frames over the live WebSocket instead (see --frames, --second)" };
        var frames = new Option<int>("--frames") { Description = "With --live: frames to stream (at most 10,000)", DefaultValueFactory = _ => 300 };
        var second = new Option<FileInfo?>("--second") { Description = "With --live: the photo of the person who enters for part of the run (default: a deepface photo)" };
        var saveFrames = new Option<DirectoryInfo?>("--save-frames") { Description = "With --live: also write every 30th frame there as JPEG, to look at" };
        var cmd = new Command("load", "Load-test POST /api/match, or with --live the live WebSocket, on 127.0.0.1 (bounded in count and time)") { db, photo, requests, concurrency, seconds, live, frames, second, saveFrames };
        cmd.SetAction(parse => DevOptions.Run(parse, () =>
        {
            if (parse.GetValue(live))
                return LiveLoadCommand.Run(parse.GetValue(db)!, parse.GetValue(DevOptions.ModelsDir), parse.GetValue(photo), parse.GetValue(second), Math.Clamp(parse.GetValue(frames), 10, 10_000), parse.GetValue(saveFrames));
            var bytes = File.ReadAllBytes(parse.GetValue(photo)?.FullName
                ?? SharedData.Find("deepface-pairs/images/Angelina_Jolie/img2.jpg")
                ?? throw new CliException("no --photo given and shared/data not found"));
            var total = Math.Clamp(parse.GetValue(requests), 1, 100_000);
            var inFlight = Math.Clamp(parse.GetValue(concurrency), 1, 256);
            var (app, http) = StartLocal(new WebOptions { Db = parse.GetValue(db)!, ModelsDir = parse.GetValue(DevOptions.ModelsDir) });
            try
            {
                var url = http.BaseAddress!.ToString();
                Send(http, bytes); // warm-up
                for (var i = 0; i < 20; i++) Send(http, bytes);
                var before = Memory();
                var run = Run(http, _ => Form(bytes), total, inFlight, TimeSpan.FromSeconds(Math.Max(1, parse.GetValue(seconds))));
                var (elapsed, sent, errors, statuses) = (run.Seconds, run.Latencies.Length, run.Errors, run.Statuses);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                var after = Memory();
                double P(double q) => Percentile(run.Latencies, q);
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
                DevOptions.WriteJson(result);
                return errors == 0 ? 0 : 1;
            }
            finally
            {
                http.Dispose();
                app.StopAsync().GetAwaiter().GetResult();
            }
        }));
        return cmd;
    }

    /// <summary>Starts the web app in this process on a free 127.0.0.1 port, with a client for it.</summary>
    internal static (Microsoft.AspNetCore.Builder.WebApplication App, HttpClient Http) StartLocal(WebOptions options)
    {
        var app = WebApp.Build(options, ["--urls", "http://127.0.0.1:0"]);
        app.StartAsync().GetAwaiter().GetResult();
        var url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        if (!new Uri(url).IsLoopback) throw new CliException($"refusing to load a non-loopback address: {url}");
        return (app, new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(60) });
    }

    /// <summary>What a load run saw: each request's latency (in send order) and status (0 = no answer).</summary>
    internal sealed record LoadRun(double[] Latencies, int[] StatusOf, double Seconds)
    {
        public int Errors => StatusOf.Count(s => s != 200);
        public Dictionary<int, int> Statuses => StatusOf.GroupBy(s => s).ToDictionary(g => g.Key, g => g.Count());
    }

    /// <summary>Sends up to <paramref name="total"/> POST /api/match requests, <paramref name="concurrency"/> at a time, stopping at <paramref name="limit"/>.</summary>
    internal static LoadRun Run(HttpClient http, Func<int, HttpContent> body, int total, int concurrency, TimeSpan limit, string path = "/api/match?top=5")
    {
        var latencies = new double[total];
        var statuses = new int[total];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < total && clock.Elapsed < limit)
            {
                var sw = Stopwatch.StartNew();
                try
                {
                    using var content = body(i);
                    using var response = await http.PostAsync(path, content);
                    await response.Content.ReadAsByteArrayAsync();
                    statuses[i] = (int)response.StatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    statuses[i] = 0;
                }
                latencies[i] = sw.Elapsed.TotalMilliseconds;
            }
        })).ToArray();
        Task.WaitAll(workers);
        var sent = Math.Min(total, next);
        return new LoadRun(latencies[..sent], statuses[..sent], clock.Elapsed.TotalSeconds);
    }

    internal static double Percentile(IEnumerable<double> values, double q)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, Math.Max(0, (int)Math.Ceiling(q * sorted.Length) - 1))];
    }

    internal static MultipartFormDataContent Form(byte[] bytes)
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

    internal static (double WorkingSet, double Managed) Memory()
    {
        using var p = Process.GetCurrentProcess();
        return (Math.Round(p.WorkingSet64 / 1048576.0, 1), Math.Round(GC.GetTotalMemory(forceFullCollection: true) / 1048576.0, 1));
    }
}
