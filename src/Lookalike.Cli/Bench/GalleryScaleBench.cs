using System.Diagnostics;
using System.Globalization;
using System.Numerics.Tensors;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;

using Lookalike.Cli.Rendering;

namespace Lookalike.Cli.Bench;

/// <summary>`lookalike bench --gallery-faces N --json`: the product-path scale figures (issue #14), field names as the issue gives them.</summary>
internal sealed record GalleryScaleJson(int GalleryFaces, double OpenMs, double MatchMs, double SearchMs, double AddFaceMs, double RemoveIdentityMs,
    double RssMb, double BandwidthBoundMs);

/// <summary>
/// `lookalike bench --gallery-faces N`: a synthetic gallery of N faces built (or reused) through the store API —
/// celebs-24's gallery split indexed as `gallery add` does, then its faces copied (slightly perturbed) under new
/// identities, 10 faces each — measured through the code `match` and `serve` run: opening the search, `lookalike
/// match` as a child process, a warm search, adding a face and removing an identity as the server does (store
/// write, then the search follows), resident memory, and the memory-bandwidth bound of one full scan of the index.
/// Each figure is printed beside its reference from the same run (the same match against celebs-24 alone, the
/// bandwidth bound, the issue's targets).
/// </summary>
internal static class GalleryScaleBench
{
    private const int FacesPerIdentity = 10;

    public static int Run(CliConsole console, FacePipeline pipeline, int size, string? storePath, bool json)
    {
        void Line(string text)
        {
            if (json) console.Stderr.WriteLine(text); else console.WriteLine(text);
        }
        var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lookalike", "bench");
        Directory.CreateDirectory(dir);
        var celebs = SharedData.Find("celebs-24") ?? throw new CliException("shared/data/celebs-24 not found");
        // One pair of galleries per model: a gallery holds the faces of the model that built it.
        var small = SeedPath(dir, pipeline);
        var big = storePath ?? Path.Combine(dir, $"gallery-{size}-{ModelTag(pipeline)}.db");
        var query = File.ReadLines(Path.Combine(celebs, "split.csv")).Skip(1).Select(l => l.Split(',')).First(c => c[2] == "query")[0];
        var photo = Path.Combine(celebs, query);

        var smallFaces = Seed(pipeline, celebs, small, Line);
        byte[] thumbnail;
        using (var bigStore = new SqliteGalleryStore(big)) thumbnail = Build(pipeline, small, bigStore, size, 5_000, Line);

        // `lookalike match` end to end (process start, models, photo, search), warm: each gallery's index file exists.
        double Match(string db)
        {
            ChildMatch(photo, db, pipeline.Embedding.Name); // builds the index file when missing, warms the page cache
            return Enumerable.Range(0, 3).Select(_ => ChildMatch(photo, db, pipeline.Embedding.Name)).Order().ElementAt(1);
        }
        var matchSmall = Match(small);
        var matchBig = Match(big);

        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var queryEmbedding = pipeline.Analyze(photo).Largest!.Embedding;
        using var store = new SqliteGalleryStore(big);
        var sw = Stopwatch.StartNew();
        var search = (SqliteFaceSearch)GallerySearch.Open(store, pipeline.ModelId, pipeline.Dimension);
        var open = sw.Elapsed.TotalMilliseconds;
        try
        {
            var faces = search.Count;
            var searchMs = Median(9, () => search.Search(queryEmbedding, 5));
            var bandwidth = SearchBench.ReadBandwidth();
            var bound = (double)faces * (pipeline.Dimension + sizeof(float)) / bandwidth * 1000;
            using var self = Process.GetCurrentProcess();
            self.Refresh();
            var rss = self.WorkingSet64 / 1048576.0;

            // Add a face and remove an identity as the server does: the store write, then the search follows the change log.
            var add = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                var face = new Face(new Box(0, 0, 112, 112), 0.9f, new PointF[68], queryEmbedding, 5f, 0.9f, FaceSource.Primary, thumbnail);
                var record = new FileRecord($"bench:added/{Guid.NewGuid():N}", "bench added", "", 0, 0, Outcome.Indexed, "bench", pipeline.ModelId);
                sw.Restart();
                store.Write([new FileResult(record, face)]);
                search.Refresh();
                add.Add(sw.Elapsed.TotalMilliseconds);
            }
            sw.Restart();
            store.RemoveIdentity("bench added");
            search.Refresh();
            var remove = sw.Elapsed.TotalMilliseconds;
            if (search.Count != faces) throw new CliException($"the search holds {search.Count} faces after the add and remove, expected {faces}");

            var addMs = add.Order().ElementAt(add.Count / 2);
            Line($"{Environment.ProcessorCount} cores; gallery {faces:N0} faces ({big}); reference gallery celebs-24 {smallFaces} faces");
            Line($"{"figure",-34} {"this run",-14} reference (same run)");
            Line($"{"open the search (index file)",-34} {open,9:F1} ms   opened by: {search.OpenedBy}");
            Line($"{"lookalike match (process, warm)",-34} {matchBig,9:F1} ms   {matchSmall:F1} ms against {smallFaces} faces: {matchBig / matchSmall:F2}x (target {(faces >= 1_000_000 ? 3 : 2)}x)");
            Line($"{"search top-5 (int8 + re-rank)",-34} {searchMs,9:F1} ms   bandwidth bound {bound:F1} ms ({bandwidth / 1e9:F1} GB/s): {searchMs / bound:F2}x (target 2x)");
            Line($"{"add a face (write + follow)",-34} {addMs,9:F1} ms   target 50 ms");
            Line($"{"remove an identity (+ follow)",-34} {remove,9:F1} ms   target 500 ms");
            Line($"{"resident memory (this process)",-34} {rss,9:F0} MB   target 1,536 MB (includes the models)");
            if (json)
                console.WriteJson(new GalleryScaleJson(faces, R(open), R(matchBig), R(searchMs), R(addMs), R(remove), R(rss), R(bound)));
            return 0;
        }
        finally
        {
            search.Dispose();
        }
    }

    private static double R(double v) => Math.Round(v, 2);

    private static double Median(int n, Action action)
    {
        action();
        var ms = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            action();
            ms[i] = sw.Elapsed.TotalMilliseconds;
        }
        Array.Sort(ms);
        return ms[n / 2];
    }

    /// <summary>The seed gallery of <paramref name="pipeline"/>'s model under the bench folder.</summary>
    internal static string SeedPath(string dir, FacePipeline pipeline) => Path.Combine(dir, $"celebs-24-gallery-{ModelTag(pipeline)}.db");

    /// <summary>The model's name as a file-name part (<c>stock+dlib</c> → <c>stock_dlib</c>).</summary>
    private static string ModelTag(FacePipeline pipeline) =>
        string.Concat(pipeline.Embedding.Name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));

    /// <summary>celebs-24's gallery split indexed into its own gallery, as `gallery add` does (reused when present). Returns its face count.</summary>
    internal static int Seed(FacePipeline pipeline, string celebs, string db, Action<string> line)
    {
        using var store = new SqliteGalleryStore(db);
        if (store.FaceCount() > 0) return store.FaceCount();
        line($"indexing celebs-24's gallery split into {db} ...");
        var labels = File.ReadLines(Path.Combine(celebs, "split.csv")).Skip(1).Select(l => l.Split(',')).Where(c => c[2] == "gallery")
            .ToDictionary(c => Path.GetFullPath(Path.Combine(celebs, c[0])), c => c[1]);
        new GalleryIndexer(pipeline, store).Index(Path.Combine(celebs, "images"), new IndexOptions { Labels = labels, Workers = Environment.ProcessorCount });
        return store.FaceCount();
    }

    /// <summary>The big gallery: the seed's rows, then copies under new identities up to <paramref name="size"/> faces, written through the store API in batches of <paramref name="batch"/>.</summary>
    /// <returns>A seed thumbnail, for faces added later.</returns>
    internal static byte[] Build(FacePipeline pipeline, string seedDb, IGalleryStore store, int size, int batch, Action<string> line)
    {
        List<StoredFace> seed;
        byte[][] thumbnails;
        using (var s = new SqliteGalleryStore(seedDb))
        {
            seed = s.Faces(pipeline.ModelId);
            thumbnails = [.. seed.Select(f => s.Thumbnail(f.Id)!)];
        }
        var have = store.FaceCount();
        if (have >= size) return thumbnails[0];
        line($"writing {size - have:N0} synthetic faces into {store.Location} ...");
        var random = new Random(size);
        var sw = Stopwatch.StartNew();
        var noise = new float[pipeline.Dimension];
        for (var start = have; start < size; start += batch)
        {
            var results = new List<FileResult>(batch);
            for (var i = start; i < Math.Min(size, start + batch); i++)
            {
                var k = i % seed.Count;
                var e = new float[pipeline.Dimension];
                // A copy about 0.95 cosine from its original (noise of norm ~0.33): distinct rows, face-like neighbourhoods.
                for (var j = 0; j < noise.Length; j++) noise[j] = (float)(random.NextDouble() - 0.5);
                TensorPrimitives.MultiplyAdd(noise, 0.05f, seed[k].Embedding, e);
                TensorPrimitives.Divide(e, TensorPrimitives.Norm(e), e);
                var identity = i < seed.Count ? seed[k].Identity : $"synthetic {i / FacesPerIdentity:D7}";
                var face = new Face(new Box(0, 0, 112, 112), 0.9f, new PointF[68], e, 5f, 0.9f, FaceSource.Primary, thumbnails[k]);
                results.Add(new FileResult(new FileRecord($"synthetic:{i:D8}", identity, "", 0, 0, Outcome.Indexed, "synthetic", pipeline.ModelId), face));
            }
            store.Write(results);
            if ((start / batch) % Math.Max(1, 100_000 / batch) == 0) line($"  {Math.Min(size, start + batch):N0} faces, {sw.Elapsed.TotalSeconds:F0} s");
        }
        line($"  {size:N0} faces written in {sw.Elapsed.TotalSeconds:F0} s");
        return thumbnails[0];
    }

    /// <summary>Runs `lookalike match PHOTO --store DB --json` as a child process; returns its wall time in milliseconds.</summary>
    private static double ChildMatch(string photo, string db, string model)
    {
        var self = Environment.ProcessPath!;
        var psi = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") psi.ArgumentList.Add(Environment.GetCommandLineArgs()[0]);
        foreach (var a in new[] { "match", photo, "--store", db, "--model", model, "--json" }) psi.ArgumentList.Add(a);
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var ms = sw.Elapsed.TotalMilliseconds;
        if (p.ExitCode != 0) throw new CliException($"lookalike match against {db} failed ({p.ExitCode}): {stderr.Result}");
        return ms;
    }
}
