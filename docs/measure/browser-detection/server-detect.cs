#!/usr/bin/env dotnet
#:project ../../../src/Lookalike.Core/Lookalike.Core.csproj
#:property PublishAot=false
// Server side of docs/measure/browser-detection/run.mjs (see its header), driven by it over stdin/stdout:
// `dotnet run -c Release docs/measure/browser-detection/server-detect.cs -- PHOTO OUTDIR` writes OUTDIR/frame.jpg
// (PHOTO scaled to 640x480, JPEG quality 90: the camera frame both sides use), prints {"ready": ...} with the session
// creation times of the C# UltraFace detector, then answers each line "bitmap N" (N x Detect on the decoded 640x480
// frame, as the brief's reference) or "decode N" (N x what the live socket does per frame before tracking: decode the
// JPEG at the codec's half size, then Detect) with one JSON line of per-frame milliseconds and the best detection.
using System.Diagnostics;
using System.Text.Json;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;
using SkiaSharp;

var (photo, outDir) = (args[0], args[1]);
using (var original = SKBitmap.Decode(photo))
using (var resized = original.Resize(new SKImageInfo(640, 480, SKColorType.Rgba8888, SKAlphaType.Premul), new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear)))
using (var image = SKImage.FromBitmap(resized))
using (var jpeg = image.Encode(SKEncodedImageFormat.Jpeg, 90))
    File.WriteAllBytes(Path.Combine(outDir, "frame.jpg"), jpeg.ToArray());
var bytes = File.ReadAllBytes(Path.Combine(outDir, "frame.jpg"));
using var frame = ImageLoader.Decode(bytes);

var store = new ModelStore();
double Ms(long start) => Stopwatch.GetElapsedTime(start).TotalMilliseconds;

// Session creation of the detector alone (1 intra-op thread, as the server runs it); the first in the process
// includes ONNX Runtime's native start.
var detectorPath = store.PathOf(ModelStore.Faceplugin.Files[0]);
var t = Stopwatch.GetTimestamp();
new UltraFaceDetector(detectorPath).Dispose();
var firstCreateMs = Ms(t);
var againMs = new List<double>();
for (var i = 0; i < 5; i++)
{
    t = Stopwatch.GetTimestamp();
    new UltraFaceDetector(detectorPath).Dispose();
    againMs.Add(Ms(t));
}

using var pipeline = new FacePipeline(store);
var detector = pipeline.Detector;
var json = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };
Console.WriteLine(JsonSerializer.Serialize(new { ready = new { firstCreateMs, againMs, frame = new { frame.Width, frame.Height }, threads = pipeline.Options.Threads } }, json));

string? line;
while ((line = Console.ReadLine()) is not null)
{
    var parts = line.Split(' ');
    var n = int.Parse(parts[1]);
    var ms = new List<double>(n);
    IReadOnlyList<Detection> found = [];
    float scale = 1;
    for (var i = 0; i < n; i++)
    {
        t = Stopwatch.GetTimestamp();
        if (parts[0] == "bitmap")
            found = detector.Detect(frame);
        else
        {
            using var small = ImageLoader.Decode(bytes, null, 320, out scale);
            found = detector.Detect(small);
        }
        ms.Add(Ms(t));
    }
    var top = found.OrderByDescending(d => d.Score).Select(d => (Detection?)d).FirstOrDefault();
    Console.WriteLine(JsonSerializer.Serialize(new
    {
        ms,
        faces = found.Count,
        best = top is not { } d ? null : new
        {
            score = d.Score,
            box = new { x = d.Box.X / scale, y = d.Box.Y / scale, width = d.Box.Width / scale, height = d.Box.Height / scale },
        },
    }, json));
}
