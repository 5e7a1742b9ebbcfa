using System.CommandLine;
using System.Diagnostics;
using System.Numerics.Tensors;
using Lookalike.Cli.Bench;
using Lookalike.Cli.Rendering;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Search;
using static Lookalike.Cli.Bench.SearchBench;
using static Lookalike.Cli.Bench.StageTimer;
using static Lookalike.Cli.Bench.ThroughputBench;

namespace Lookalike.Cli.Commands;

/// <summary>
/// `lookalike bench`: per-stage milliseconds on this machine, each printed beside a reference measured in the same
/// run (a scalar loop for the SIMD search, one worker for parallel indexing, the issue's budget for end to end).
/// The measurements are in Bench/; this file runs them in order and prints one line each.
/// </summary>
internal static class BenchCommand
{
    public static Command Create(CliContext cli)
    {
        var photo = new Option<FileInfo?>("--photo") { Description = "One-face photo to time (default: a deepface photo from shared/data, resized to 1280x720)" };
        var folder = new Option<DirectoryInfo?>("--index-dir") { Description = "Folder per person to time indexing on (default: shared/data/celebs-24/images)" };
        var iterations = new Option<int>("--iterations") { Description = "Timed runs per stage", DefaultValueFactory = _ => 30 };
        var indexFiles = new Option<int>("--index-files") { Description = "Photos indexed for the throughput figure", DefaultValueFactory = _ => 160 };
        var memoryFiles = new Option<int>("--memory-files") { Description = "Only check memory: index this many photos (shared/data, cycled) and print memory every tenth" };
        var galleryFaces = new Option<int>("--gallery-faces") { Description = "Only the product path at scale: a synthetic gallery of this many faces (built once, reused), timed through match and the server's code" };
        var breakdown = new Option<bool>("--breakdown") { Description = "Only the stage breakdown: model runs per image kind beside the whole analysis" };
        var galleryStore = new Option<string?>("--gallery-store") { Description = "SQLite file for --gallery-faces (default: ~/.cache/lookalike/bench/gallery-N.db), or a postgres:// URL: the pgvector figures (HNSW build, latency and recall@10 per ef_search, server memory)" };
        var cmd = new Command("bench", "Time each pipeline stage, search over 10k and 100k faces, and indexing throughput") { photo, folder, iterations, indexFiles, memoryFiles, galleryFaces, galleryStore, breakdown };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var pipeline = cli.Pipeline(parse);
            var json = CliContext.Json(parse);
            if (parse.GetValue(memoryFiles) is > 0 and var files) return MemoryOverIndexing(pipeline, files, cli.Console, json);
            if (parse.GetValue(galleryFaces) is > 0 and var faces && parse.GetValue(galleryStore) is { } pg
                && (pg.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || pg.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)))
                return PostgresScaleBench.Run(cli.Console, pipeline, faces, pg, json);
            if (parse.GetValue(galleryFaces) is > 0 and var size) return GalleryScaleBench.Run(cli.Console, pipeline, size, parse.GetValue(galleryStore), json);
            var n = Math.Max(3, parse.GetValue(iterations));
            if (parse.GetValue(breakdown))
            {
                var lines = new BenchLines(cli.Console, json);
                StageBreakdown.Run(lines, pipeline, n);
                if (json) cli.Console.WriteJson(lines.Json());
                return 0;
            }
            var jpeg = parse.GetValue(photo) is { } p ? File.ReadAllBytes(p.FullName) : Sample1280x720();
            var bench = new BenchLines(cli.Console, json);
            bench.Line($"{Environment.ProcessorCount} cores, {RuntimeInfo()}; median (p90) of {n} runs after warm-up");
            bench.Line($"{"stage",-44} {"this run",-26} reference (same run)");
            var query = Stages(bench, pipeline, jpeg, n);
            StageBreakdown.Run(bench, pipeline, n);
            Search(bench, pipeline, query, n);
            Million(bench, pipeline, query, n);
            EndToEnd(bench, pipeline, jpeg, n);
            Live(bench, pipeline, jpeg);
            Indexing(bench, pipeline, parse.GetValue(folder)?.FullName, parse.GetValue(indexFiles));
            FullSize(bench, pipeline);
            using var self = Process.GetCurrentProcess();
            bench.Summary["peak_memory_mb"] = Math.Round(self.PeakWorkingSet64 / 1048576.0, 1);
            bench.Line($"peak memory {bench.Summary["peak_memory_mb"]} MB (includes the 1M-face int8 index and the 100k float index)");
            if (json) cli.Console.WriteJson(bench.Json());
            return 0;
        }));
        return cmd;
    }

    private static string RuntimeInfo() => $".NET {Environment.Version}, ONNX Runtime intra-op 1";

    /// <summary>Decode, detect, landmarks, align, embed, face check and the whole analysis; returns the photo's face embedding.</summary>
    private static float[] Stages(BenchLines bench, FacePipeline pipeline, byte[] jpeg, int n)
    {
        using var image = ImageLoader.Decode(jpeg);
        var decode = Time(n, () => ImageLoader.Decode(jpeg).Dispose());
        bench.Row($"decode {image.Width}x{image.Height} JPEG ({jpeg.Length / 1024} KB)", decode, "");
        var detections = pipeline.Detector.Detect(image);
        if (detections.Count == 0) throw new CliException("the bench photo has no face");
        var square = detections[0].Box.ToSquare();
        var detect = Time(n, () => pipeline.Detector.Detect(image));
        bench.Row("detect (letterbox + run + NMS)", detect, "");
        var landmarks = pipeline.Landmarker.Locate(image, square);
        bench.Row("landmarks (68 points)", Time(n, () => pipeline.Landmarker.Locate(image, square)), "");
        var five = LandmarkModel.FivePoints(landmarks);
        bench.Row("align (5-point similarity warp)", Time(n, () => FaceAligner.Align(image, five).Dispose()), "");
        using var aligned = FaceAligner.Align(image, five);
        bench.Row("embed (one face)", Time(n, () => pipeline.Embedder.Embed(aligned)), "");
        bench.Row("face check (detector on the aligned crop)", Time(n, () => pipeline.Detector.Detect(aligned, 2f, 0.5f)), "");
        var analyze = Time(n, () => pipeline.Analyze(image));
        bench.Row("analyze = all of the above", analyze, "");
        return pipeline.Analyze(image).Largest!.Embedding;
    }

    /// <summary>Top-5 over 10k and 100k float faces (SIMD) against a scalar loop.</summary>
    private static void Search(BenchLines bench, FacePipeline pipeline, float[] query, int n)
    {
        foreach (var size in new[] { 10_000, 100_000 })
        {
            var index = SyntheticIndex(size, pipeline.Dimension, out var vectors);
            var matrix = vectors.SelectMany(v => v).ToArray(); // the same N×D layout the index scans
            var sims = new float[size];
            var simd = Time(n, () => index.Search(query, 5));
            var scalar = Time(Math.Min(n, 10), () => ScalarScan(matrix, pipeline.Dimension, query, sims));
            bench.Row($"search top-5 over {size:N0} faces (SIMD)", simd, $"scalar loop {scalar}");
        }
    }

    /// <summary>
    /// int8 over 1M faces: 0.52 GB instead of 2 GB of floats. Reference: the time to read those bytes once at this
    /// machine's read bandwidth measured now (the memory-bandwidth bound for a full scan).
    /// </summary>
    private static void Million(BenchLines bench, FacePipeline pipeline, float[] query, int n)
    {
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
        bench.Row($"search top-100 over 1,000,000 faces (int8)", int8, $"bandwidth bound {bound:F1} ms ({bandwidth / 1e9:F1} GB/s read); {quantized.Bytes / 1048576.0:F0} MB");
        var exact = ExactScan1M(pipeline.Dimension, query, Math.Min(n, 5));
        bench.Line($"{"  exact float scan of the same 1M (2 cores)",-44} {exact,-26} 2,048 MB: {exact.Median / int8.Median:F1}x the int8 time");
        bench.Summary["search_1m_exact_float_ms"] = Math.Round(exact.Median, 2);
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
        bench.Line($"{"search 1M (int8), batch of 16: ms per query",-44} {perQuery,-26:F2} one at a time {int8.Median:F2} ms ({int8.Median / perQuery:F1}x)");
        bench.Summary["search_1m_batch16_ms_per_query"] = Math.Round(perQuery, 2);
        bench.Summary["search_1m_ms"] = Math.Round(int8.Median, 2);
        bench.Summary["bandwidth_bound_1m_ms"] = Math.Round(bound, 2);
        bench.Summary["search_1m_mb"] = Math.Round(quantized.Bytes / 1048576.0, 1);
        bench.Summary["recall_at_10"] = Math.Round(RecallAt10(pipeline.Dimension), 4);
        bench.Line($"{"recall@10, int8 + float re-rank of 100 (100k)",-44} {bench.Summary["recall_at_10"],-26} exact float search = 1");
    }

    private static void EndToEnd(BenchLines bench, FacePipeline pipeline, byte[] jpeg, int n)
    {
        var index10k = SyntheticIndex(10_000, pipeline.Dimension);
        var endToEnd = Time(n, () =>
        {
            using var img = ImageLoader.Decode(jpeg);
            foreach (var f in pipeline.Analyze(img).Faces) index10k.Search(f.Embedding, 5);
        });
        bench.Row("match end to end vs 10k faces (1 thread)", endToEnd, $"budget 40.0 ms: {(endToEnd.Median <= 40 ? "met" : "MISSED")}");
        bench.Summary["match_ms"] = Math.Round(endToEnd.Median, 2);
    }

    private static void Live(BenchLines bench, FacePipeline pipeline, byte[] jpeg)
    {
        var (fps, stillFps) = LiveFps(pipeline, jpeg);
        bench.Line($"{"live: 640x480 frames/s, 1 face, tracked",-44} {fps,-26:F1} full analysis every frame {stillFps:F1}/s; target 15");
        bench.Summary["live_fps"] = Math.Round(fps, 1);
    }

    private static void Indexing(BenchLines bench, FacePipeline pipeline, string? folder, int indexFiles)
    {
        var dir = folder ?? SharedData.Find("celebs-24/images");
        if (dir is not null && Directory.Exists(dir))
        {
            var count = Math.Max(10, indexFiles);
            var one = IndexRate(pipeline, dir, count, 1, AnalyzeOptions.Indexing);
            var all = IndexRate(pipeline, dir, count, Environment.ProcessorCount, AnalyzeOptions.Indexing);
            var idle = Environment.ProcessorCount * 1000 / all.CpuMsPerPhoto;
            bench.Line($"{"index photos/s, " + Environment.ProcessorCount + " workers (" + count + " crops)",-44} {all.PerSecond,-26:F1} 1 worker {one.PerSecond:F1}/s; " +
                 $"CPU {all.CpuMsPerPhoto:F1} ms/photo = {idle:F0}/s on idle cores; target 60/s: {(all.PerSecond >= 60 ? "met" : "MISSED")}");
            bench.Summary["index_photos_per_s"] = Math.Round(all.PerSecond, 1);
            bench.Summary["index_cpu_ms_per_photo"] = Math.Round(all.CpuMsPerPhoto, 1);
        }
        else bench.Line("indexing not timed: no --index-dir and shared/data/celebs-24 not found");
    }

    private static void FullSize(BenchLines bench, FacePipeline pipeline)
    {
        if (SharedData.Find("deepface-pairs/images") is { } photos)
        {
            // Full-size photos (0.2-14 MP JPEGs): reduced-scale decode without the unneeded crop checks vs full decode with them.
            var count = Directory.EnumerateFiles(photos, "*", SearchOption.AllDirectories).Count();
            var fast = IndexRate(pipeline, photos, count, Environment.ProcessorCount, AnalyzeOptions.Indexing);
            var full = IndexRate(pipeline, photos, count, Environment.ProcessorCount, AnalyzeOptions.Full);
            bench.Line($"{"index full-size photos/s (" + count + " deepface)",-44} {fast.PerSecond,-26:F1} full-size decode + every crop check {full.PerSecond:F1}/s " +
                 $"({fast.PerSecond / full.PerSecond:F1}x); CPU {fast.CpuMsPerPhoto:F1} vs {full.CpuMsPerPhoto:F1} ms/photo = {Environment.ProcessorCount * 1000 / fast.CpuMsPerPhoto:F0}/s on idle cores");
            bench.Summary["index_fullsize_photos_per_s"] = Math.Round(fast.PerSecond, 1);
            bench.Summary["index_fullsize_reference_per_s"] = Math.Round(full.PerSecond, 1);
            bench.Summary["index_fullsize_cpu_ms_per_photo"] = Math.Round(fast.CpuMsPerPhoto, 1);
        }
    }
}
