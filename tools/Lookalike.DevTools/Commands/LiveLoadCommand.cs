using Lookalike.Cli;
using Lookalike.Evaluation;
using Lookalike.Web;

namespace Lookalike.DevTools;

/// <summary>
/// `load --live`: streams the moving-face frames over the live WebSocket to the app started in this process on
/// 127.0.0.1; then, in the same run, the old page's POST /api/live loop on the same frames, and POST /api/match
/// latency alone and while two live sessions stream.
/// </summary>
internal static class LiveLoadCommand
{
    public static int Run(string db, string? modelsDir, FileInfo? photo, FileInfo? second, int count, DirectoryInfo? saveFrames)
    {
        var first = photo?.FullName ?? SharedData.Find("deepface-pairs/images/Angelina_Jolie/img2.jpg")
            ?? throw new CliException("no --photo given and shared/data not found");
        var other = second?.FullName ?? SharedData.Find("deepface-pairs/images/deepface_id03/img8.jpg")
            ?? throw new CliException("no --second given and shared/data not found");
        var frames = LiveLoad.Frames(first, other, count);
        if (saveFrames is not null)
        {
            saveFrames.Create();
            for (var i = 0; i < count; i += 30) File.WriteAllBytes(Path.Combine(saveFrames.FullName, $"frame{i:D4}.jpg"), frames[i]);
        }
        var (app, http) = LoadCommand.StartLocal(new WebOptions { Db = db, ModelsDir = modelsDir });
        try
        {
            var socket = LiveLoad.SocketUrl(http.BaseAddress!);
            using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(10));
            LiveLoad.Stream(socket, frames[..Math.Min(30, count)], limit.Token, countLabels: false).GetAwaiter().GetResult(); // warm-up
            var run = LiveLoad.Stream(socket, frames, limit.Token).GetAwaiter().GetResult();
            var post = LiveLoad.PostLoop(http, frames);
            var matchPhoto = File.ReadAllBytes(first);
            LiveLoad.Matches(http, matchPhoto, 3); // warm-up
            var alone = LiveLoad.Matches(http, matchPhoto, 20);
            using var stopLive = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
            var background = Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
            {
                var fps = new List<double>();
                while (!stopLive.IsCancellationRequested)
                {
                    var r = await LiveLoad.Stream(socket, frames[..Math.Min(60, count)], limit.Token, countLabels: false);
                    fps.Add(r.Answered / r.Seconds);
                }
                return fps;
            })).ToArray();
            Thread.Sleep(1000); // both sessions streaming before the first match
            var withLive = LiveLoad.Matches(http, matchPhoto, 20);
            stopLive.Cancel();
            var liveFps = Task.WhenAll(background).GetAwaiter().GetResult().SelectMany(f => f).ToList();
            double P(double[] v, double q) => Math.Round(LoadCommand.Percentile(v, q), 1);
            DevOptions.WriteJson(new
            {
                frames = run.Frames,
                fps = Math.Round(run.Answered / run.Seconds, 1),
                boxes_fps = Math.Round(run.WithBoxes / run.Seconds, 1),
                recognitions_per_s = Math.Round(run.Recognitions / run.Seconds, 1),
                p50_ms = P(run.LatenciesMs, 0.5),
                p95_ms = P(run.LatenciesMs, 0.95),
                errors = run.Errors,
                label_changes = run.LabelChanges,
                answered = run.Answered,
                dropped = run.Dropped,
                seconds = Math.Round(run.Seconds, 1),
                post_fps = Math.Round(post.Fps, 1),
                post_p50_ms = P(post.LatenciesMs, 0.5),
                post_p95_ms = P(post.LatenciesMs, 0.95),
                post_errors = post.Errors,
                match_p50_ms_alone = P(alone, 0.5),
                match_p95_ms_alone = P(alone, 0.95),
                match_p50_ms_with_2_live = P(withLive, 0.5),
                match_p95_ms_with_2_live = P(withLive, 0.95),
                live_fps_per_session_during_matches = liveFps.Count == 0 ? 0 : Math.Round(liveFps.Average(), 1),
                processors = Environment.ProcessorCount,
            });
            return run.Errors == 0 && post.Errors == 0 ? 0 : 1;
        }
        finally
        {
            http.Dispose();
            app.StopAsync().GetAwaiter().GetResult();
        }
    }
}
