using System.Diagnostics;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Cli.Rendering;
using SkiaSharp;

namespace Lookalike.Cli.Bench;

/// <summary>Whole-job rates: indexing photos per second (and memory over a long run), live frames per second, the sample frame.</summary>
internal static class ThroughputBench
{
    /// <summary>
    /// Photos per second indexing <paramref name="count"/> files into a fresh store, and the process CPU time per photo:
    /// cores / CPU time is the rate the machine reaches when nothing else runs (wall-clock rates drop when it is shared).
    /// </summary>
    public static (double PerSecond, double CpuMsPerPhoto) IndexRate(FacePipeline pipeline, string dir, int count, int workers, AnalyzeOptions analysis)
    {
        var tmp = Directory.CreateTempSubdirectory("lookalike-bench-");
        try
        {
            // Link a fixed subset into a temp tree so the count is what we ask for.
            var files = Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(count).ToList();
            foreach (var f in files)
            {
                var target = Path.Combine(tmp.FullName, "photos", Path.GetRelativePath(dir, f));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.CreateSymbolicLink(target, f);
            }
            using var store = GalleryStore.Open(Path.Combine(tmp.FullName, "bench.db"));
            using var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            var report = new GalleryIndexer(pipeline, store).Index(Path.Combine(tmp.FullName, "photos"), new IndexOptions { Workers = workers, Analysis = analysis });
            var seconds = sw.Elapsed.TotalSeconds;
            self.Refresh();
            return (report.Files / seconds, (self.TotalProcessorTime - cpu).TotalMilliseconds / report.Files);
        }
        finally
        {
            tmp.Delete(recursive: true);
        }
    }

    /// <summary>
    /// Frames per second of the live loop on 640x480 JPEG frames (the photo drifting 2 px a frame): decode + tracker,
    /// one thread; the reference is the full analysis of every frame.
    /// </summary>
    public static (double Tracked, double Full) LiveFps(FacePipeline pipeline, byte[] photoJpeg)
    {
        using var photo = ImageLoader.Decode(photoJpeg);
        var frames = new List<byte[]>();
        using (var img = SKImage.FromBitmap(photo))
        {
            var s = Math.Min(480f / photo.Width, 480f / photo.Height) * 0.8f;
            for (var i = 0; i < 60; i++)
            {
                using var frame = new SKBitmap(new SKImageInfo(640, 480, SKColorType.Rgba8888, SKAlphaType.Premul));
                using (var canvas = new SKCanvas(frame))
                {
                    canvas.Clear(new SKColor(70, 70, 70));
                    canvas.DrawImage(img, SKRect.Create(60 + 2 * i, 40, photo.Width * s, photo.Height * s), new SKSamplingOptions(SKFilterMode.Linear));
                }
                frames.Add(ImageLoader.EncodeJpeg(frame, 85));
            }
        }
        double Run(Action<SKBitmap> step)
        {
            foreach (var f in frames.Take(5)) { using var b = ImageLoader.Decode(f); step(b); }
            var sw = Stopwatch.StartNew();
            foreach (var f in frames) { using var b = ImageLoader.Decode(f); step(b); }
            return frames.Count / sw.Elapsed.TotalSeconds;
        }
        var tracker = new LiveTracker(pipeline);
        var tracked = Run(b => tracker.Process(b));
        var full = Run(b => pipeline.Analyze(b));
        return (tracked, full);
    }

    public static byte[] Sample1280x720()
    {
        var source = SharedData.Find("deepface-pairs/images/Angelina_Jolie/img1.jpg")
                     ?? throw new CliException("no --photo given and shared/data not found");
        using var original = ImageLoader.Load(source);
        // Fit the photo into 1280x720 on a grey background: a one-face landscape frame like a webcam's.
        using var frame = new SKBitmap(new SKImageInfo(1280, 720, SKColorType.Rgba8888, SKAlphaType.Premul));
        using (var canvas = new SKCanvas(frame))
        {
            canvas.Clear(new SKColor(90, 90, 90));
            var s = Math.Min(1280f / original.Width, 720f / original.Height);
            using var img = SKImage.FromBitmap(original);
            canvas.DrawImage(img, SKRect.Create((1280 - original.Width * s) / 2, (720 - original.Height * s) / 2, original.Width * s, original.Height * s),
                new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
        }
        return ImageLoader.EncodeJpeg(frame, 90);
    }

    /// <summary>
    /// Indexes <paramref name="count"/> photos (links cycling over shared/data's lfw-gray, celebs-24 and deepface-pairs
    /// photos under distinct names, so each is a new file) into a fresh store, sampling the working set and the
    /// managed heap at every tenth. Flat means the last sample is within 10 % of the one half-way (the first half
    /// is warm-up: model buffers, caches, one malloc arena per worker thread).
    /// </summary>
    public static int MemoryOverIndexing(FacePipeline pipeline, int count, CliConsole console, bool json)
    {
        var sources = new[] { "lfw-gray/images", "celebs-24/images", "deepface-pairs/images" }
            .Select(SharedData.Find).OfType<string>()
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal).ToList();
        if (sources.Count == 0) throw new CliException("shared/data not found: the memory check indexes its photos");
        var tmp = Directory.CreateTempSubdirectory("lookalike-memory-");
        try
        {
            for (var i = 0; i < count; i++)
            {
                var target = Path.Combine(tmp.FullName, "photos", $"person{i % 500:D3}", $"{i:D6}{Path.GetExtension(sources[i % sources.Count])}");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.CreateSymbolicLink(target, sources[i % sources.Count]);
            }
            using var store = GalleryStore.Open(Path.Combine(tmp.FullName, "memory.db"));
            var samples = new List<(int Files, double WorkingSetMb, double ManagedMb, double Seconds)>();
            var step = Math.Max(1, count / 10);
            var next = step;
            var sw = Stopwatch.StartNew();
            var progress = new LockedProgress<IndexProgress>(p =>
            {
                if (p.Done < next) return;
                next += step;
                using var self = Process.GetCurrentProcess();
                samples.Add((p.Done, self.WorkingSet64 / 1048576.0, GC.GetTotalMemory(false) / 1048576.0, sw.Elapsed.TotalSeconds));
                console.Stderr.WriteLine($"{p.Done,7} files  working set {samples[^1].WorkingSetMb,7:F0} MB  managed {samples[^1].ManagedMb,6:F0} MB  {p.Done / sw.Elapsed.TotalSeconds,5:F1} photos/s");
            });
            var report = new GalleryIndexer(pipeline, store).Index(Path.Combine(tmp.FullName, "photos"), progress: progress);
            var reference = samples[(samples.Count - 1) / 2];
            var growth = samples[^1].WorkingSetMb / reference.WorkingSetMb - 1;
            var verdict = $"working set {reference.WorkingSetMb:F0} MB at {reference.Files} files -> {samples[^1].WorkingSetMb:F0} MB at {samples[^1].Files} ({growth:+0.0%;-0.0%}): {(growth <= 0.10 ? "flat" : "GROWING")}";
            console.Stderr.WriteLine(verdict);
            if (json)
                console.WriteJson(new
                {
                    files = report.Files, embedded = report.Embedded, seconds = Math.Round(report.Elapsed.TotalSeconds, 1),
                    samples = samples.Select(x => new { files = x.Files, working_set_mb = Math.Round(x.WorkingSetMb, 1), managed_mb = Math.Round(x.ManagedMb, 1) }),
                    growth = Math.Round(growth, 4), flat = growth <= 0.10,
                });
            return growth <= 0.10 ? 0 : 1;
        }
        finally
        {
            tmp.Delete(recursive: true);
        }
    }
}
