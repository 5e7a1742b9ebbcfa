using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Cli;

/// <summary>
/// `lookalike bench`: per-stage milliseconds on this machine, each printed beside a reference measured in the same
/// run (a scalar loop for the SIMD search, one worker for parallel indexing, the issue's budget for end to end).
/// </summary>
internal static class BenchCommand
{
    public static Command Create(Func<ParseResult, FacePipeline> pipelineFactory)
    {
        var photo = new Option<FileInfo?>("--photo") { Description = "One-face photo to time (default: a deepface photo from shared/data, resized to 1280x720)" };
        var folder = new Option<DirectoryInfo?>("--index-dir") { Description = "Folder per person to time indexing on (default: shared/data/celebs-24/images)" };
        var iterations = new Option<int>("--iterations") { Description = "Timed runs per stage", DefaultValueFactory = _ => 30 };
        var indexFiles = new Option<int>("--index-files") { Description = "Photos indexed for the throughput figure", DefaultValueFactory = _ => 160 };
        var memoryFiles = new Option<int>("--memory-files") { Description = "Only check memory: index this many photos (shared/data, cycled) and print memory every tenth" };
        var galleryFaces = new Option<int>("--gallery-faces") { Description = "Only the product path at scale: a synthetic gallery of this many faces (built once, reused), timed through match and the server's code" };
        var galleryStore = new Option<string?>("--gallery-store") { Description = "SQLite file for --gallery-faces (default: ~/.cache/lookalike/bench/gallery-N.db)" };
        var cmd = new Command("bench", "Time each pipeline stage, search over 10k and 100k faces, and indexing throughput") { photo, folder, iterations, indexFiles, memoryFiles, galleryFaces, galleryStore };
        cmd.SetAction(parse => Commands.Run(parse, () =>
        {
            using var pipeline = pipelineFactory(parse);
            if (parse.GetValue(memoryFiles) is > 0 and var files) return MemoryOverIndexing(pipeline, files, parse.GetValue(Commands.JsonOption));
            if (parse.GetValue(galleryFaces) is > 0 and var faces) return GalleryScaleBench.Run(pipeline, faces, parse.GetValue(galleryStore), parse.GetValue(Commands.JsonOption));
            var n = Math.Max(3, parse.GetValue(iterations));
            var jpeg = parse.GetValue(photo) is { } p ? File.ReadAllBytes(p.FullName) : Sample1280x720();
            var rows = new List<(string Stage, Stats Value, string Reference)>();
            var json = parse.GetValue(Commands.JsonOption);
            var summary = new Dictionary<string, object?>();
            void Line(string text)
            {
                if (json) Console.Error.WriteLine(text); else Console.WriteLine(text);
            }
            void Row(string stage, Stats value, string reference)
            {
                rows.Add((stage, value, reference));
                Line($"{stage,-44} {value,-26} {reference}");
            }
            Line($"{Environment.ProcessorCount} cores, {RuntimeInfo()}; median (p90) of {n} runs after warm-up");
            Line($"{"stage",-44} {"this run",-26} reference (same run)");

            using var image = ImageLoader.Decode(jpeg);
            var decode = Time(n, () => ImageLoader.Decode(jpeg).Dispose());
            Row($"decode {image.Width}x{image.Height} JPEG ({jpeg.Length / 1024} KB)", decode, "");
            var detections = pipeline.Detector.Detect(image);
            if (detections.Count == 0) throw new CliException("the bench photo has no face");
            var square = detections[0].Box.ToSquare();
            var detect = Time(n, () => pipeline.Detector.Detect(image));
            Row("detect (letterbox + run + NMS)", detect, "");
            var landmarks = pipeline.Landmarker.Locate(image, square);
            Row("landmarks (68 points)", Time(n, () => pipeline.Landmarker.Locate(image, square)), "");
            var five = LandmarkModel.FivePoints(landmarks);
            Row("align (5-point similarity warp)", Time(n, () => FaceAligner.Align(image, five).Dispose()), "");
            using var aligned = FaceAligner.Align(image, five);
            Row("embed (one face)", Time(n, () => pipeline.Embedder.Embed(aligned)), "");
            Row("face check (detector on the aligned crop)", Time(n, () => pipeline.Detector.Detect(aligned, 2f, 0.5f)), "");
            var analyze = Time(n, () => pipeline.Analyze(image));
            Row("analyze = all of the above", analyze, "");

            var query = pipeline.Analyze(image).Largest!.Embedding;
            foreach (var size in new[] { 10_000, 100_000 })
            {
                var index = SyntheticIndex(size, pipeline.Dimension);
                var sims = new float[size];
                var simd = Time(n, () => index.Search(query, 5));
                var scalar = Time(Math.Min(n, 10), () => ScalarScan(index, query, sims));
                Row($"search top-5 over {size:N0} faces (SIMD)", simd, $"scalar loop {scalar}");
            }
            {
                // int8 over 1M faces: 0.52 GB instead of 2 GB of floats. Reference: the time to read those bytes once at
                // this machine's read bandwidth measured now (the memory-bandwidth bound for a full scan).
                const int million = 1_000_000;
                var quantized = new QuantizedIndex(pipeline.Dimension, million);
                var random = new Random(7);
                var row = new float[pipeline.Dimension];
                for (var i = 0; i < million; i++)
                {
                    for (var j = 0; j < row.Length; j++) row[j] = (float)(random.NextDouble() * 2 - 1);
                    TensorPrimitives.Divide(row, TensorPrimitives.Norm(row), row);
                    quantized.Add(row);
                }
                var int8 = Time(Math.Min(n, 10), () => quantized.Search(query, 100));
                var bandwidth = ReadBandwidth();
                var bound = quantized.Bytes / bandwidth * 1000;
                Row($"search top-100 over 1,000,000 faces (int8)", int8, $"bandwidth bound {bound:F1} ms ({bandwidth / 1e9:F1} GB/s read); {quantized.Bytes / 1048576.0:F0} MB");
                var exact = ExactScan1M(pipeline.Dimension, query, Math.Min(n, 5));
                Line($"{"  exact float scan of the same 1M (2 cores)",-44} {exact,-26} 2,048 MB: {exact.Median / int8.Median:F1}x the int8 time");
                summary["search_1m_exact_float_ms"] = Math.Round(exact.Median, 2);
                // A batch of queries shares one pass over the matrix (e.g. every face of a group photo, or many users at once).
                var batch = Enumerable.Range(0, 16).Select(_ =>
                {
                    var v = new float[pipeline.Dimension];
                    for (var j = 0; j < v.Length; j++) v[j] = (float)(random.NextDouble() * 2 - 1);
                    TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
                    return v;
                }).ToList();
                var batched = Time(Math.Min(n, 5), () => quantized.Search(batch, 100));
                var perQuery = batched.Median / batch.Count;
                Line($"{"search 1M (int8), batch of 16: ms per query",-44} {perQuery,-26:F2} one at a time {int8.Median:F2} ms ({int8.Median / perQuery:F1}x)");
                summary["search_1m_batch16_ms_per_query"] = Math.Round(perQuery, 2);
                summary["search_1m_ms"] = Math.Round(int8.Median, 2);
                summary["bandwidth_bound_1m_ms"] = Math.Round(bound, 2);
                summary["search_1m_mb"] = Math.Round(quantized.Bytes / 1048576.0, 1);
                summary["recall_at_10"] = Math.Round(RecallAt10(pipeline.Dimension), 4);
                Line($"{"recall@10, int8 + float re-rank of 100 (100k)",-44} {summary["recall_at_10"],-26} exact float search = 1");
            }
            var index10k = SyntheticIndex(10_000, pipeline.Dimension);
            var endToEnd = Time(n, () =>
            {
                using var img = ImageLoader.Decode(jpeg);
                foreach (var f in pipeline.Analyze(img).Faces) index10k.Search(f.Embedding, 5);
            });
            Row("match end to end vs 10k faces (1 thread)", endToEnd, $"budget 40.0 ms: {(endToEnd.Median <= 40 ? "met" : "MISSED")}");
            summary["match_ms"] = Math.Round(endToEnd.Median, 2);

            var (fps, stillFps) = LiveFps(pipeline, jpeg);
            Line($"{"live: 640x480 frames/s, 1 face, tracked",-44} {fps,-26:F1} full analysis every frame {stillFps:F1}/s; target 15");
            summary["live_fps"] = Math.Round(fps, 1);

            var dir = parse.GetValue(folder)?.FullName ?? SharedData.Find("celebs-24/images");
            if (dir is not null && Directory.Exists(dir))
            {
                var count = Math.Max(10, parse.GetValue(indexFiles));
                var one = IndexRate(pipeline, dir, count, 1, AnalyzeOptions.Indexing);
                var all = IndexRate(pipeline, dir, count, Environment.ProcessorCount, AnalyzeOptions.Indexing);
                var idle = Environment.ProcessorCount * 1000 / all.CpuMsPerPhoto;
                Line($"{"index photos/s, " + Environment.ProcessorCount + " workers (" + count + " crops)",-44} {all.PerSecond,-26:F1} 1 worker {one.PerSecond:F1}/s; " +
                     $"CPU {all.CpuMsPerPhoto:F1} ms/photo = {idle:F0}/s on idle cores; target 60/s: {(all.PerSecond >= 60 ? "met" : "MISSED")}");
                summary["index_photos_per_s"] = Math.Round(all.PerSecond, 1);
                summary["index_cpu_ms_per_photo"] = Math.Round(all.CpuMsPerPhoto, 1);
            }
            else Line("indexing not timed: no --index-dir and shared/data/celebs-24 not found");
            if (SharedData.Find("deepface-pairs/images") is { } photos)
            {
                // Full-size photos (0.2-14 MP JPEGs): reduced-scale decode without the unneeded crop checks vs full decode with them.
                var count = Directory.EnumerateFiles(photos, "*", SearchOption.AllDirectories).Count();
                var fast = IndexRate(pipeline, photos, count, Environment.ProcessorCount, AnalyzeOptions.Indexing);
                var full = IndexRate(pipeline, photos, count, Environment.ProcessorCount, AnalyzeOptions.Full);
                Line($"{"index full-size photos/s (" + count + " deepface)",-44} {fast.PerSecond,-26:F1} full-size decode + every crop check {full.PerSecond:F1}/s " +
                     $"({fast.PerSecond / full.PerSecond:F1}x); CPU {fast.CpuMsPerPhoto:F1} vs {full.CpuMsPerPhoto:F1} ms/photo = {Environment.ProcessorCount * 1000 / fast.CpuMsPerPhoto:F0}/s on idle cores");
                summary["index_fullsize_photos_per_s"] = Math.Round(fast.PerSecond, 1);
                summary["index_fullsize_reference_per_s"] = Math.Round(full.PerSecond, 1);
                summary["index_fullsize_cpu_ms_per_photo"] = Math.Round(fast.CpuMsPerPhoto, 1);
            }
            using var self = Process.GetCurrentProcess();
            summary["peak_memory_mb"] = Math.Round(self.PeakWorkingSet64 / 1048576.0, 1);
            Line($"peak memory {summary["peak_memory_mb"]} MB (includes the 1M-face int8 index and the 100k float index)");
            if (json)
            {
                summary["stages"] = rows.ToDictionary(r => r.Stage, r => (object)new { median_ms = Math.Round(r.Value.Median, 3), p90_ms = Math.Round(r.Value.P90, 3), reference = r.Reference });
                Output.WriteJson(summary);
            }
            return 0;
        }));
        return cmd;
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}, ONNX Runtime intra-op 1";

    /// <summary>
    /// Indexes <paramref name="count"/> photos (links cycling over shared/data's lfw-gray, celebs-24 and deepface-pairs
    /// photos under distinct names, so each is a new file) into a fresh store, sampling the working set and the
    /// managed heap at every tenth. Flat means the last sample is within 10 % of the one half-way (the first half
    /// is warm-up: model buffers, caches, one malloc arena per worker thread).
    /// </summary>
    private static int MemoryOverIndexing(FacePipeline pipeline, int count, bool json)
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
                Console.Error.WriteLine($"{p.Done,7} files  working set {samples[^1].WorkingSetMb,7:F0} MB  managed {samples[^1].ManagedMb,6:F0} MB  {p.Done / sw.Elapsed.TotalSeconds,5:F1} photos/s");
            });
            var report = new GalleryIndexer(pipeline, store).Index(Path.Combine(tmp.FullName, "photos"), progress: progress);
            var reference = samples[(samples.Count - 1) / 2];
            var growth = samples[^1].WorkingSetMb / reference.WorkingSetMb - 1;
            var verdict = $"working set {reference.WorkingSetMb:F0} MB at {reference.Files} files -> {samples[^1].WorkingSetMb:F0} MB at {samples[^1].Files} ({growth:+0.0%;-0.0%}): {(growth <= 0.10 ? "flat" : "GROWING")}";
            Console.Error.WriteLine(verdict);
            if (json)
                Output.WriteJson(new
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

    /// <summary>The reference for the int8 index: cosine of a query against 1M float rows (2 GB), scanned on every core.</summary>
    private static Stats ExactScan1M(int dimension, float[] query, int runs)
    {
        const int rows = 1_000_000;
        var matrix = new float[(long)rows * dimension];
        var random = new Random(11);
        for (long i = 0; i < matrix.LongLength; i++) matrix[i] = (float)(random.NextDouble() * 2 - 1) * 0.044f;
        var scores = new float[rows];
        var workers = Environment.ProcessorCount;
        var chunk = (rows + workers - 1) / workers;
        return Time(runs, () => Parallel.For(0, workers, w =>
        {
            for (var r = w * chunk; r < Math.Min(rows, (w + 1) * chunk); r++)
                scores[r] = TensorPrimitives.Dot(matrix.AsSpan(r * dimension, dimension), query);
        }));
    }

    /// <summary>Photos per second indexing <paramref name="count"/> files of <paramref name="dir"/> into a fresh temporary store.</summary>
    /// <summary>
    /// Photos per second indexing <paramref name="count"/> files into a fresh store, and the process CPU time per photo:
    /// cores / CPU time is the rate the machine reaches when nothing else runs (wall-clock rates drop when it is shared).
    /// </summary>
    private static (double PerSecond, double CpuMsPerPhoto) IndexRate(FacePipeline pipeline, string dir, int count, int workers, AnalyzeOptions analysis)
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
    private static (double Tracked, double Full) LiveFps(FacePipeline pipeline, byte[] photoJpeg)
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

    /// <summary>Recall@10 of the int8 index (100 candidates re-ranked in float) against exact search, 100k synthetic faces.</summary>
    private static double RecallAt10(int dimension)
    {
        var exact = SyntheticIndex(100_000, dimension, out var embeddings);
        var quantized = new QuantizedIndex(dimension, embeddings.Count);
        foreach (var e in embeddings) quantized.Add(e);
        var random = new Random(3);
        var sims = new float[embeddings.Count];
        double hits = 0;
        const int queries = 50;
        for (var q = 0; q < queries; q++)
        {
            var query = embeddings[random.Next(embeddings.Count)].Select(v => v + (float)(random.NextDouble() - 0.5) * 0.08f).ToArray();
            TensorPrimitives.Divide(query, TensorPrimitives.Norm(query), query);
            exact.Similarities(query, sims);
            var truth = sims.Select((s, i) => (s, i)).OrderByDescending(t => t.s).Take(10).Select(t => t.i).ToHashSet();
            hits += quantized.Search(query, 10, 100, row => embeddings[row]).Count(r => truth.Contains(r.Row));
        }
        return hits / (queries * 10);
    }

    /// <summary>Bytes per second read by a SIMD sum over 256 MB on all cores: the most a full scan can stream.</summary>
    internal static double ReadBandwidth()
    {
        var data = new float[64 * 1024 * 1024];
        data.AsSpan().Fill(1f);
        var parts = Environment.ProcessorCount;
        var chunk = data.Length / parts;
        var best = double.MaxValue;
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            Parallel.For(0, parts, p => TensorPrimitives.Sum(data.AsSpan(p * chunk, chunk)));
            best = Math.Min(best, sw.Elapsed.TotalSeconds);
        }
        return data.Length * (double)sizeof(float) / best;
    }

    private static FaceIndex SyntheticIndex(int size, int dimension) => SyntheticIndex(size, dimension, out _);

    private static FaceIndex SyntheticIndex(int size, int dimension, out List<float[]> embeddings)
    {
        var random = new Random(42);
        var faces = new List<StoredFace>(size);
        for (var i = 0; i < size; i++)
        {
            var v = new float[dimension];
            for (var j = 0; j < dimension; j++) v[j] = (float)(random.NextDouble() * 2 - 1);
            TensorPrimitives.Divide(v, TensorPrimitives.Norm(v), v);
            faces.Add(new StoredFace(i, $"person {i / 20}", "", v));
        }
        embeddings = [.. faces.Select(f => f.Embedding)];
        return new FaceIndex(faces, dimension);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void ScalarScan(FaceIndex index, float[] query, float[] output)
    {
        // Reference: the same similarities with a plain scalar loop, to show what SIMD buys.
        var faces = index.Count;
        var d = index.Dimension;
        var matrix = index.MatrixForReference;
        for (var i = 0; i < faces; i++)
        {
            float s = 0;
            for (var j = 0; j < d; j++) s += matrix[i * d + j] * query[j];
            output[i] = s;
        }
    }

    private static byte[] Sample1280x720()
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

    private static Stats Time(int n, Action action)
    {
        // Warm up long enough for the JIT to reach its optimised tier (about 30 calls plus a background compile).
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 40 || warm.ElapsedMilliseconds < 300; i++) action();
        var ms = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            ms[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(ms);
        return new Stats(ms[n / 2], ms[Math.Min(n - 1, (int)Math.Ceiling(n * 0.9) - 1)]);
    }

    internal readonly record struct Stats(double Median, double P90)
    {
        public override string ToString() => $"{Median,7:F2} ms ({P90:F2})";
    }
}

/// <summary>Calls an action for each report, one at a time (reports come from several worker threads).</summary>
internal sealed class LockedProgress<T>(Action<T> report) : IProgress<T>
{
    private readonly Lock _lock = new();

    public void Report(T value)
    {
        lock (_lock) report(value);
    }
}
