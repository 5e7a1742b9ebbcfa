using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Search;
using Lookalike.Web;
using Microsoft.AspNetCore.TestHost;
using SkiaSharp;

namespace Lookalike.Tests;

/// <summary>The live WebSocket (/api/live/ws) over TestServer, with real photos and models, and the label hysteresis.</summary>
[Collection(WebCollection.Name)]
public class LiveSocketTests(WebGalleryFixture gallery)
{
    /// <summary>A 640x480 frame with each photo scaled into its own half, shifted right by <paramref name="dx"/> px.</summary>
    internal static SKBitmap SideBySide(IReadOnlyList<string> photos, int dx = 0)
    {
        var frame = new SKBitmap(new SKImageInfo(640, 480, SKColorType.Rgba8888, SKAlphaType.Premul));
        using var canvas = new SKCanvas(frame);
        canvas.Clear(new SKColor(70, 70, 70));
        var slot = 640f / photos.Count;
        for (var i = 0; i < photos.Count; i++)
        {
            using var source = ImageLoader.Load(photos[i]);
            using var img = SKImage.FromBitmap(source);
            var s = Math.Min((slot - 20) / source.Width, 400f / source.Height);
            canvas.DrawImage(img, SKRect.Create(i * slot + 10 + dx, 40, source.Width * s, source.Height * s), new SKSamplingOptions(SKFilterMode.Linear));
        }
        return frame;
    }

    internal static async Task<JsonElement> Receive(WebSocket socket)
    {
        var buffer = new byte[1 << 20];
        var length = 0;
        ValueWebSocketReceiveResult r;
        do
        {
            r = await socket.ReceiveAsync(buffer.AsMemory(length), TestContext.Current.CancellationToken);
            length += r.Count;
        }
        while (!r.EndOfMessage);
        Assert.Equal(WebSocketMessageType.Text, r.MessageType);
        return JsonDocument.Parse(Encoding.UTF8.GetString(buffer, 0, length)).RootElement.Clone();
    }

    private static Task Send(WebSocket socket, byte[] frame) =>
        socket.SendAsync(frame, WebSocketMessageType.Binary, true, TestContext.Current.CancellationToken);

    [Fact]
    public async Task Two_people_in_view_get_two_tracks_named_correctly_and_a_bad_frame_only_gets_an_error()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        using var socket = await app.GetTestServer().CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/api/live/ws?top=3"), TestContext.Current.CancellationToken);
        string[] people = ["Gregory Peck", "小泉進次郎"];

        // One frame at a time (each answered before the next): recognition runs beside the boxes, so the names
        // arrive some answers after the boxes.
        JsonElement last = default;
        var seq = 0;
        for (var i = 0; i < 40; i++)
        {
            using var frame = SideBySide([.. people.Select(p => gallery.HeldOut[p])], dx: i % 10);
            await Send(socket, ImageLoader.EncodeJpeg(frame));
            last = await Receive(socket);
            Assert.Equal("frame", last.GetProperty("type").GetString());
            Assert.Equal(++seq, last.GetProperty("seq").GetInt64());
            var faces = last.GetProperty("faces").EnumerateArray().ToList();
            if (faces.Count == 2 && faces.All(f => f.GetProperty("label").ValueKind == JsonValueKind.String) && i >= 12) break;
        }
        var found = last.GetProperty("faces").EnumerateArray().OrderBy(f => f.GetProperty("box").GetProperty("x").GetDouble()).ToList();
        Assert.Equal(2, found.Count);
        Assert.NotEqual(found[0].GetProperty("track_id").GetInt32(), found[1].GetProperty("track_id").GetInt32());
        Assert.Equal(people, found.Select(f => f.GetProperty("label").GetString()));
        // The label's scores are the match API's (likeness first, then the open-set probability).
        var top = found[0].GetProperty("matches")[0];
        Assert.Equal("Gregory Peck", top.GetProperty("identity").GetString());
        Assert.InRange(top.GetProperty("probability").GetDouble(), 0.5, 1);
        Assert.True(top.TryGetProperty("likeness", out _) && top.TryGetProperty("best_face_id", out _));
        Assert.True(last.GetProperty("recognitions").GetInt64() >= 2);

        // A frame that is not an image: an error for that frame, and the session goes on.
        await Send(socket, Encoding.UTF8.GetBytes("not a picture"));
        var error = await Receive(socket);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal(++seq, error.GetProperty("seq").GetInt64());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("error").GetString()));
        using (var frame = SideBySide([.. people.Select(p => gallery.HeldOut[p])]))
            await Send(socket, ImageLoader.EncodeJpeg(frame));
        var after = await Receive(socket);
        Assert.Equal("frame", after.GetProperty("type").GetString());
        Assert.Equal(2, after.GetProperty("faces").GetArrayLength());
        await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Frames_sent_faster_than_answered_are_dropped_never_queued_and_each_gets_one_answer()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        using var socket = await app.GetTestServer().CreateWebSocketClient().ConnectAsync(new Uri("ws://localhost/api/live/ws"), TestContext.Current.CancellationToken);
        using var frame = SideBySide([gallery.HeldOut["Gregory Peck"]]);
        var jpeg = ImageLoader.EncodeJpeg(frame);
        const int sent = 30;
        for (var i = 0; i < sent; i++) await Send(socket, jpeg);
        var answers = new List<JsonElement>();
        for (var i = 0; i < sent; i++) answers.Add(await Receive(socket));
        Assert.Equal(Enumerable.Range(1, sent), answers.Select(a => (int)a.GetProperty("seq").GetInt64()).Order());
        var types = answers.GroupBy(a => a.GetProperty("type").GetString()!).ToDictionary(g => g.Key, g => g.Count());
        Assert.True(types.GetValueOrDefault("dropped") > 0, "30 frames sent at once: some must be dropped");
        Assert.True(types.GetValueOrDefault("frame") >= 1);
        Assert.False(types.ContainsKey("error"));
        // The newest frame is always analysed.
        Assert.Contains(answers, a => a.GetProperty("type").GetString() == "frame" && a.GetProperty("seq").GetInt64() == sent);
    }

    [Fact]
    public async Task Limits_a_plain_request_gets_400_one_session_too_many_429_and_an_oversized_frame_an_error()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, MaxLiveSessions = 1, MaxLiveFrameBytes = 64 * 1024 });
        var plain = await app.GetTestClient().GetAsync("/api/live/ws", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, plain.StatusCode);
        var client = app.GetTestServer().CreateWebSocketClient();
        using var first = await client.ConnectAsync(new Uri("ws://localhost/api/live/ws"), TestContext.Current.CancellationToken);
        var refused = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/api/live/ws"), TestContext.Current.CancellationToken));
        Assert.Contains("429", refused.Message);
        await Send(first, new byte[200 * 1024]);
        var error = await Receive(first);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Contains("65536", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task With_protected_reads_the_socket_needs_the_key_or_a_signed_link()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db, ApiKey = "k", ProtectReads = true });
        var client = app.GetTestServer().CreateWebSocketClient();
        var denied = await Assert.ThrowsAnyAsync<Exception>(() => client.ConnectAsync(new Uri("ws://localhost/api/live/ws"), TestContext.Current.CancellationToken));
        Assert.Contains("401", denied.Message);
        var http = app.GetTestClient();
        http.DefaultRequestHeaders.Add(Api.ApiKeyHeader, "k");
        var link = JsonDocument.Parse(await http.GetStringAsync("/api/links?path=%2Fapi%2Flive%2Fws", TestContext.Current.CancellationToken)).RootElement.GetProperty("url").GetString();
        using var signed = await client.ConnectAsync(new Uri("ws://localhost" + link), TestContext.Current.CancellationToken);
        Assert.Equal(WebSocketState.Open, signed.State);
        await signed.CloseAsync(WebSocketCloseStatus.NormalClosure, "done", TestContext.Current.CancellationToken);
        client.ConfigureRequest = r => r.Headers[Api.ApiKeyHeader] = "k";
        using var keyed = await client.ConnectAsync(new Uri("ws://localhost/api/live/ws"), TestContext.Current.CancellationToken);
        Assert.Equal(WebSocketState.Open, keyed.State);
    }

    private static IdentityMatch M(string identity, float similarity) => new(identity, similarity, similarity, 0, "", 1);

    [Fact]
    public void A_label_changes_only_after_three_clear_wins_in_a_row()
    {
        var label = new LabelHysteresis();
        Assert.Equal("A", label.Observe([M("A", 0.60f), M("B", 0.50f)]));
        Assert.Equal("A", label.Observe([M("B", 0.62f), M("A", 0.60f)])); // B wins, but not clearly
        Assert.Equal("A", label.Observe([M("B", 0.70f), M("A", 0.60f)])); // clear win 1
        Assert.Equal("A", label.Observe([M("B", 0.70f), M("A", 0.60f)])); // clear win 2
        Assert.Equal("A", label.Observe([M("A", 0.65f), M("B", 0.60f)])); // A back on top: the count restarts
        Assert.Equal("A", label.Observe([M("B", 0.70f), M("A", 0.60f)]));
        Assert.Equal("A", label.Observe([M("C", 0.70f), M("A", 0.60f)])); // another challenger restarts it too
        Assert.Equal("A", label.Observe([M("C", 0.70f), M("A", 0.60f)]));
        Assert.Equal(0, label.Changes);
        Assert.Equal("C", label.Observe([M("C", 0.70f), M("B", 0.55f)])); // A fell out of the list: below its last entry
        Assert.Equal(1, label.Changes);
        Assert.Equal("C", label.Observe([]));
    }
}
