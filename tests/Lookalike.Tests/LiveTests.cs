using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Web;
using Microsoft.AspNetCore.TestHost;
using SkiaSharp;

namespace Lookalike.Tests;

[Collection(WebCollection.Name)]
public class LiveTests(WebGalleryFixture gallery, PipelineFixture fx)
{
    /// <summary>640x480 frames of a photo drifting right by 3 px a frame, like a person shifting in front of a webcam.</summary>
    internal static List<SKBitmap> Frames(string photo, int count)
    {
        using var source = ImageLoader.Load(photo);
        var frames = new List<SKBitmap>();
        var s = Math.Min(400f / source.Width, 400f / source.Height);
        using var img = SKImage.FromBitmap(source);
        for (var i = 0; i < count; i++)
        {
            var frame = new SKBitmap(new SKImageInfo(640, 480, SKColorType.Rgba8888, SKAlphaType.Premul));
            using var canvas = new SKCanvas(frame);
            canvas.Clear(new SKColor(70, 70, 70));
            canvas.DrawImage(img, SKRect.Create(100 + 3 * i, 40, source.Width * s, source.Height * s), new SKSamplingOptions(SKFilterMode.Linear));
            frames.Add(frame);
        }
        return frames;
    }

    [Fact]
    public void A_face_keeps_its_track_and_is_embedded_only_when_needed()
    {
        var photo = Path.Combine(Shared.Set("deepface-pairs"), "images", "Angelina_Jolie", "img2.jpg");
        var still = fx.Pipeline.Analyze(photo).Largest!;
        var frames = Frames(photo, 20);
        try
        {
            var tracker = new LiveTracker(fx.Pipeline) { RefreshFrames = 15 };
            var seen = frames.Select(tracker.Process).ToList();
            Assert.All(seen, s => Assert.Single(s));
            Assert.Single(seen.Select(s => s[0].Id).Distinct());
            var fresh = seen.Count(s => s[0].Fresh);
            Assert.InRange(fresh, 2, 3); // the first frame and the periodic refresh
            Assert.All(seen, s => Assert.True(Verification.Similarity(s[0].Face, still) > 0.8f));
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }
    }

    [Fact]
    public async Task Live_endpoint_keeps_track_ids_within_a_session()
    {
        await using var app = await WebGalleryFixture.StartInMemory(new WebOptions { Db = gallery.Db });
        var client = app.GetTestClient();
        var frames = Frames(gallery.HeldOut["Gregory Peck"], 3);
        var ids = new List<int>();
        foreach (var frame in frames)
        {
            var content = new ByteArrayContent(ImageLoader.EncodeJpeg(frame));
            content.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
            var response = await client.PostAsync("/api/live?session=test-1", new MultipartFormDataContent { { content, "image", "f.jpg" } });
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var face = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("faces")[0];
            Assert.Equal("Gregory Peck", face.GetProperty("matches")[0].GetProperty("identity").GetString());
            ids.Add(face.GetProperty("track_id").GetInt32());
            frame.Dispose();
        }
        Assert.Single(ids.Distinct());
        var missing = await client.PostAsync("/api/live", new MultipartFormDataContent());
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
    }
}
