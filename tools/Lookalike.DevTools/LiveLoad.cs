using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using Lookalike.Imaging;
using SkiaSharp;

namespace Lookalike.DevTools;

/// <summary>
/// `load --live`: a webcam-like stream over the live WebSocket, as the page sends it (the newest frame whenever fewer
/// than 2 are unanswered), with 640x480 JPEG frames of a real face sliding and scaling across the frame and a second
/// person entering for the middle 30 % of the run.
/// </summary>
internal static class LiveLoad
{
    /// <summary>What one streamed run saw.</summary>
    internal sealed record Run(int Frames, int Answered, int WithBoxes, int Dropped, int Errors, double Seconds, double[] LatenciesMs, long Recognitions, int LabelChanges);

    /// <summary>The frames: index i of n; the second person is in view for i in [0.4n, 0.7n).</summary>
    public static List<byte[]> Frames(string first, string second, int count)
    {
        using var a = ImageLoader.Load(first);
        using var b = ImageLoader.Load(second);
        using var imageA = SKImage.FromBitmap(a);
        using var imageB = SKImage.FromBitmap(b);
        var frames = new List<byte[]>(count);
        using var frame = new SKBitmap(new SKImageInfo(640, 480, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(frame);
        var sampling = new SKSamplingOptions(SKFilterMode.Linear);
        for (var i = 0; i < count; i++)
        {
            canvas.Clear(new SKColor(70, 70, 70));
            // A: back and forth twice over the run (a triangle wave), growing and shrinking by ±20 %.
            var phase = 2.0 * i / count % 1.0;
            var along = (float)(phase < 0.5 ? 2 * phase : 2 - 2 * phase);
            var scale = 1f + 0.2f * (float)Math.Sin(2 * Math.PI * i / count * 3);
            var h = 330f * scale;
            var w = h * a.Width / a.Height;
            canvas.DrawImage(imageA, SKRect.Create(10 + along * (400 - w * 0.5f), 240 - h / 2, w, h), sampling);
            if (SecondInView(i, count))
            {
                // B walks in from the right edge and stops with its face fully in view.
                var entered = Math.Min(1f, (i - 0.4f * count) / (0.1f * count));
                var hb = 300f;
                var wb = hb * b.Width / b.Height;
                canvas.DrawImage(imageB, SKRect.Create(640 - entered * wb * 0.9f, 90, wb, hb), sampling);
            }
            frames.Add(ImageLoader.EncodeJpeg(frame));
        }
        return frames;
    }

    public static bool SecondInView(int i, int count) => i >= 0.4 * count && i < 0.7 * count;

    /// <summary>
    /// Streams <paramref name="frames"/> once over one WebSocket (each frame sent when fewer than 2 are unanswered) and
    /// waits for every answer. Label changes: the largest face's label between consecutive answers to frames where only
    /// the first person is in view (both labels set and different).
    /// </summary>
    public static async Task<Run> Stream(Uri socketUrl, IReadOnlyList<byte[]> frames, CancellationToken cancellation, bool countLabels = true)
    {
        using var socket = new ClientWebSocket();
        await socket.ConnectAsync(socketUrl, cancellation);
        var sentAt = new long[frames.Count + 1];
        var latencies = new List<double>();
        var slots = new SemaphoreSlim(2, 2);
        int answered = 0, withBoxes = 0, dropped = 0, errors = 0, labelChanges = 0;
        long recognitions = 0;
        string? lastLabel = null;
        var clock = Stopwatch.StartNew();
        var receiving = Task.Run(async () =>
        {
            var buffer = new byte[1 << 20];
            for (var got = 0; got < frames.Count; got++)
            {
                var length = 0;
                ValueWebSocketReceiveResult r;
                do
                {
                    r = await socket.ReceiveAsync(buffer.AsMemory(length), cancellation);
                    if (r.MessageType == WebSocketMessageType.Close) throw new WebSocketException("the server closed the socket");
                    length += r.Count;
                }
                while (!r.EndOfMessage);
                using var message = JsonDocument.Parse(buffer.AsMemory(0, length));
                var root = message.RootElement;
                var seq = (int)root.GetProperty("seq").GetInt64();
                switch (root.GetProperty("type").GetString())
                {
                    case "frame":
                        answered++;
                        latencies.Add(Stopwatch.GetElapsedTime(sentAt[seq]).TotalMilliseconds);
                        var faces = root.GetProperty("faces");
                        if (faces.GetArrayLength() > 0) withBoxes++;
                        recognitions = root.GetProperty("recognitions").GetInt64();
                        if (countLabels && faces.GetArrayLength() > 0 && !SecondInView(seq - 1, frames.Count) && faces[0].GetProperty("label").GetString() is { } label)
                        {
                            if (lastLabel is not null && lastLabel != label) labelChanges++;
                            lastLabel = label;
                        }
                        break;
                    case "dropped":
                        dropped++;
                        break;
                    default:
                        errors++;
                        break;
                }
                slots.Release();
            }
        }, cancellation);
        for (var i = 0; i < frames.Count; i++)
        {
            await slots.WaitAsync(cancellation);
            sentAt[i + 1] = Stopwatch.GetTimestamp();
            await socket.SendAsync(frames[i], WebSocketMessageType.Binary, true, cancellation);
        }
        await receiving;
        var seconds = clock.Elapsed.TotalSeconds;
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", cancellation);
        return new Run(frames.Count, answered, withBoxes, dropped, errors, seconds, [.. latencies], recognitions, labelChanges);
    }

    /// <summary>The old page's loop: each frame POSTed to /api/live, the next sent when the answer is back.</summary>
    public static (double Fps, double[] LatenciesMs, int Errors) PostLoop(HttpClient http, IReadOnlyList<byte[]> frames)
    {
        var latencies = new List<double>();
        var errors = 0;
        var clock = Stopwatch.StartNew();
        foreach (var frame in frames)
        {
            var sw = Stopwatch.StartNew();
            using var response = http.PostAsync("/api/live?top=3&session=load-post", LoadCommand.Form(frame)).GetAwaiter().GetResult();
            response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode) errors++;
            latencies.Add(sw.Elapsed.TotalMilliseconds);
        }
        return (frames.Count / clock.Elapsed.TotalSeconds, [.. latencies], errors);
    }

    /// <summary>Latencies of <paramref name="count"/> POST /api/match one after another.</summary>
    public static double[] Matches(HttpClient http, byte[] photo, int count)
    {
        var latencies = new double[count];
        for (var i = 0; i < count; i++)
        {
            var sw = Stopwatch.StartNew();
            using var response = http.PostAsync("/api/match?top=5", LoadCommand.Form(photo)).GetAwaiter().GetResult();
            response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            if (!response.IsSuccessStatusCode) throw new Cli.CliException($"match failed during the live load: {(int)response.StatusCode}");
            latencies[i] = sw.Elapsed.TotalMilliseconds;
        }
        return latencies;
    }

    /// <summary>The socket URL for an http:// base address.</summary>
    public static Uri SocketUrl(Uri http) => new(new UriBuilder(http) { Scheme = http.Scheme == "https" ? "wss" : "ws", Path = "/api/live/ws", Query = "top=3" }.Uri.ToString());

}
