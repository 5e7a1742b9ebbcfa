using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Web;

/// <summary>
/// One live WebSocket. Receiving keeps only the newest frame not yet analysed (an older one still waiting is answered
/// <c>dropped</c>: frames are never queued); analysing decodes it and follows the faces (one detection,
/// <see cref="StreamTracker"/>, on the frame decoded at the detector's size) in an analysis slot and answers at once;
/// recognition (landmarks, embedding, search for the faces due) runs beside it on that frame at full size, one at a
/// time per session, and its names show in the next answers.
/// Sending is one loop, so messages never interleave. Every client message gets exactly one answer.
/// </summary>
internal sealed class LiveSocketSession
{
    private static readonly JsonSerializerOptions Compact = new(Contracts.Json) { WriteIndented = false };

    private readonly WebSocket _socket;
    private readonly GalleryService _g;
    private readonly int _top;
    private readonly StreamTracker _tracker;
    private readonly Channel<(long Seq, byte[] Frame, long Arrived)> _frames;
    private readonly Channel<byte[]> _out = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<int, IReadOnlyList<MatchJson>> _matches = new();
    private readonly ConcurrentDictionary<int, bool> _fresh = new();
    private Task _recognition = Task.CompletedTask;
    private long _recognitions, _dropped;

    public LiveSocketSession(WebSocket socket, GalleryService g, int top)
    {
        (_socket, _g, _top) = (socket, g, top);
        _tracker = new StreamTracker(g.Pipeline.Detector);
        _frames = Channel.CreateBounded<(long, byte[], long)>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            stale =>
            {
                Interlocked.Increment(ref _dropped);
                Send(new LiveNoticeJson("dropped", stale.Item1, null));
            });
    }

    public async Task RunAsync(CancellationToken aborted)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        var sending = SendLoop(stop.Token);
        var analysing = AnalyseLoop(stop.Token);
        try
        {
            await ReceiveLoop(stop.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // The client went away: nothing to answer.
        }
        finally
        {
            _frames.Writer.TryComplete();
            await Quietly(analysing);
            await Quietly(_recognition);
            _out.Writer.TryComplete();
            await Quietly(sending);
            await stop.CancelAsync();
        }
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await Quietly(_socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None));
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or ChannelClosedException)
        {
            // The socket or the session ended first.
        }
    }

    private async Task ReceiveLoop(CancellationToken cancellation)
    {
        var max = _g.Options.MaxLiveFrameBytes;
        var buffer = new byte[max];
        long seq = 0;
        while (_socket.State == WebSocketState.Open)
        {
            var length = 0;
            var tooLarge = false;
            ValueWebSocketReceiveResult r;
            do
            {
                if (length == buffer.Length) (tooLarge, length) = (true, 0); // over the limit: read on, keep nothing
                r = await _socket.ReceiveAsync(buffer.AsMemory(length), cancellation);
                if (r.MessageType == WebSocketMessageType.Close) return;
                length += r.Count;
            }
            while (!r.EndOfMessage);
            seq++;
            if (r.MessageType != WebSocketMessageType.Binary)
                Send(new LiveNoticeJson("error", seq, "send each frame as one binary message (a JPEG or PNG)"));
            else if (tooLarge)
                Send(new LiveNoticeJson("error", seq, $"frame over {max} bytes"));
            else
                await _frames.Writer.WriteAsync((seq, buffer[..length], Stopwatch.GetTimestamp()), cancellation);
        }
    }

    private async Task AnalyseLoop(CancellationToken cancellation)
    {
        await foreach (var (seq, bytes, arrived) in _frames.Reader.ReadAllAsync(cancellation))
        {
            try
            {
                // The detector sees 320x240 (UltraFace letterboxes into it), so a JPEG is decoded at the codec's
                // smallest scale that keeps 320 px (a 640x480 frame at half size: a quarter of the pixels to decode).
                // Recognition decodes its frame again at full size.
                var (faces, width, height, scale) = await _g.InAnalysisSlotAsync(() =>
                {
                    using var small = ImageLoader.Decode(bytes, null, DetectorWidth, out var s);
                    return (_tracker.Follow(small, cancellation), (int)Math.Round(small.Width / s), (int)Math.Round(small.Height / s), s);
                }, cancellation);
                Answer(seq, width, height, faces, scale, arrived);
                var due = faces.Where(f => f.RecognitionDue).ToList();
                if (due.Count > 0 && _recognition.IsCompleted)
                {
                    await _recognition; // surfaces a failure of the previous one
                    due.ForEach(f => _tracker.Started(f.Id));
                    _recognition = Task.Run(() => Recognize(bytes, scale, due, cancellation), cancellation);
                }
            }
            catch (ImageLoadException e)
            {
                Send(new LiveNoticeJson("error", seq, e.Message));
            }
        }
    }

    private const int DetectorWidth = 320;

    private static Box Unscale(Box b, float scale) => new(b.X / scale, b.Y / scale, b.Width / scale, b.Height / scale);

    private async Task Recognize(byte[] bytes, float scale, List<StreamFace> due, CancellationToken cancellation)
    {
        try
        {
            await _g.InAnalysisSlotAsync(() =>
            {
                using var frame = ImageLoader.Decode(bytes);
                foreach (var f in due)
                {
                    var face = _g.Pipeline.Describe(frame, f.Detection with { Box = Unscale(f.Detection.Box, scale) }, cancellation);
                    if (face is null)
                    {
                        _tracker.Recognized(f.Id, null);
                        continue;
                    }
                    var index = _g.Index;
                    var matches = index.Search(face.Embedding, _top);
                    var json = Contracts.Match(null, new FaceAnalysis(frame.Width, frame.Height, [face], 0), [new FaceMatches(face, matches)], index,
                        calibration: _g.Pipeline.Calibration);
                    _matches[f.Id] = json.Faces[0].Matches;
                    _fresh[f.Id] = true;
                    _tracker.Recognized(f.Id, matches);
                    Interlocked.Increment(ref _recognitions);
                }
                return 0;
            }, cancellation);
        }
        finally
        {
            foreach (var f in due) _tracker.Recognized(f.Id, null); // no-op for those already reported; frees the rest after a cancel
        }
    }

    private void Answer(long seq, int width, int height, IReadOnlyList<StreamFace> faces, float scale, long arrived)
    {
        if (_matches.Count > 50)
        {
            // Over 50 remembered tracks: keep only the matches of the faces in this frame.
            foreach (var id in _matches.Keys.Where(k => faces.All(f => f.Id != k)))
            {
                _matches.TryRemove(id, out _);
                _fresh.TryRemove(id, out _);
            }
        }
        var index = _g.Index;
        var json = faces.Select(f => new LiveFaceJson(f.Id, BoxJson.From(Unscale(f.Box, scale)), Math.Round(f.Detection.Score, 4), f.Label,
            _matches.TryGetValue(f.Id, out var m) ? m : [], _fresh.TryRemove(f.Id, out _))).ToList();
        Send(new LiveAnswerJson("frame", seq, width, height, json, Math.Round(Stopwatch.GetElapsedTime(arrived).TotalMilliseconds, 1),
            Interlocked.Read(ref _recognitions), Interlocked.Read(ref _dropped), new GallerySizeJson(index.Count, index.IdentityCount)));
    }

    private void Send<T>(T message) => _out.Writer.TryWrite(JsonSerializer.SerializeToUtf8Bytes(message, Compact));

    private async Task SendLoop(CancellationToken cancellation)
    {
        await foreach (var message in _out.Reader.ReadAllAsync(cancellation))
            await _socket.SendAsync(message, WebSocketMessageType.Text, true, cancellation);
    }
}
