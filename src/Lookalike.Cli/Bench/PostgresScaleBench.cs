using System.Diagnostics;
using System.Globalization;
using Lookalike.Cli.Rendering;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Search;
using Npgsql;
using Pgvector;

namespace Lookalike.Cli.Bench;

/// <summary>`lookalike bench --gallery-faces N --gallery-store postgres://… --json`: the pgvector scale figures (issue #14, item 5).</summary>
internal sealed record PostgresScaleJson(int GalleryFaces, double LoadS, double HnswBuildS, double ServerRssMb, double ServerPeakRssMb,
    IReadOnlyList<PostgresEfJson> EfSearch, double MatchP50MsBeforeAnalyze, double MatchP95MsBeforeAnalyze, double AnalyzeMs, double MatchP50Ms,
    double MatchP95Ms, double MatchTop1SameAsExact, double MatchTop1ScoreGap, double MatchRightPerson, double ExactRightPerson, double ExactScanMs, double AddFaceMs, double RemoveIdentityMs);

/// <summary>One ef_search setting: face-level HNSW latency and recall@10 against exact, for enrolled and stranger probes.</summary>
internal sealed record PostgresEfJson(int EfSearch, double P50Ms, double P95Ms, double RecallEnrolled, double RecallStrangers);

/// <summary>
/// The PostgreSQL + pgvector side of the scale bench: the same synthetic gallery as the SQLite one (celebs-24's
/// faces copied, perturbed to ~0.95 cosine, 10 per identity) written through <see cref="PostgresGalleryStore"/>
/// with its HNSW index dropped during the load and built once after it (timed), then probes — real photos of
/// celebs-24's query split (enrolled people) and of south-asian-celebs (strangers) — searched with pgvector at
/// several <c>hnsw.ef_search</c> values, each result set compared with exact brute force in C# over the same
/// vectors read back from the server; the product's search (<see cref="GallerySearch.Open"/>) against the exact
/// per-identity scores; a sequential scan as the reference latency; server memory when the server is local.
/// </summary>
internal static class PostgresScaleBench
{
    private static readonly int[] EfSearch = [40, 100, 200];
    private const int Probes = 40;

    public static int Run(CliConsole console, FacePipeline pipeline, int size, string location, bool json)
    {
        void Line(string text)
        {
            if (json) console.Stderr.WriteLine(text); else console.WriteLine(text);
        }
        var dir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "lookalike", "bench");
        Directory.CreateDirectory(dir);
        var celebs = SharedData.Find("celebs-24") ?? throw new CliException("shared/data/celebs-24 not found");
        var strangersDir = SharedData.Find("south-asian-celebs") ?? throw new CliException("shared/data/south-asian-celebs not found");
        var small = GalleryScaleBench.SeedPath(dir, pipeline);
        GalleryScaleBench.Seed(pipeline, celebs, small, Line);

        using var store = new PostgresGalleryStore(location);
        var connection = new NpgsqlConnectionStringBuilder(PostgresGalleryStore.ConnectionString(location)) { Pooling = false }.ConnectionString;
        var server = ServerProcess(connection);
        var builder = new NpgsqlDataSourceBuilder(connection);
        builder.UseVector();
        using var db = builder.Build();
        var sw = Stopwatch.StartNew();
        double load = 0, build = 0;
        byte[] thumbnail;
        using (var c = db.OpenConnection())
        {
            var indexed = Scalar(c, "SELECT count(*) FROM pg_indexes WHERE indexname = 'gallery_faces_embedding'") > 0;
            if (store.FaceCount() < size || !indexed)
            {
                // Bulk load without the HNSW index (inserting into it costs milliseconds a row), then build it once.
                Execute(c, "DROP INDEX IF EXISTS gallery_faces_embedding");
                thumbnail = GalleryScaleBench.Build(pipeline, small, store, size, 1_000, Line);
                load = sw.Elapsed.TotalSeconds;
                Line($"  loaded in {load:F0} s; building the HNSW index (m=16, ef_construction=64, as the store creates it) ...");
                sw.Restart();
                Execute(c, "SET maintenance_work_mem = '1GB'");
                Execute(c, "CREATE INDEX gallery_faces_embedding ON gallery_faces USING hnsw (embedding vector_cosine_ops)");
                build = sw.Elapsed.TotalSeconds;
                Line($"  HNSW index built in {build:F0} s");
            }
            else
            {
                thumbnail = GalleryScaleBench.Build(pipeline, small, store, size, 1_000, Line);
            }
        }
        var afterBuild = Memory(server);

        Line("analysing the probe photos ...");
        var queries = File.ReadLines(Path.Combine(celebs, "split.csv")).Skip(1).Select(l => l.Split(',')).Where(c => c[2] == "query").ToList();
        var enrolledProbes = ProbeEmbeddings(pipeline, celebs, queries.Select(c => c[0]), queries.Select(c => c[1]));
        var enrolled = enrolledProbes.Select(p => p.Embedding).ToList();
        var enrolledPeople = enrolledProbes.Select(p => p.Label).ToList();
        var strangerPaths = File.ReadLines(Path.Combine(strangersDir, "labels.csv")).Skip(1).Select(l => l.Split(',')[0]).ToList();
        var strangers = ProbeEmbeddings(pipeline, strangersDir, strangerPaths, strangerPaths).Select(p => p.Embedding).ToList();
        Line("reading the gallery's vectors back for the exact reference ...");
        var model = pipeline.ModelId;
        var faces = store.Faces(model);
        var exact = new FaceIndex(faces, pipeline.Dimension);
        var sims = new float[faces.Count];
        long[] ExactTop10(float[] q)
        {
            exact.Similarities(q, sims);
            return [.. Enumerable.Range(0, faces.Count).OrderByDescending(i => sims[i]).ThenBy(i => faces[i].Id).Take(10).Select(i => faces[i].Id)];
        }
        var exactEnrolled = enrolled.Select(ExactTop10).ToList();
        var exactStrangers = strangers.Select(ExactTop10).ToList();

        var rows = new List<PostgresEfJson>();
        double exactScan;
        using (var c = db.OpenConnection())
        {
            foreach (var ef in EfSearch)
            {
                Execute(c, $"SET hnsw.ef_search = {ef}");
                var ms = new List<double>();
                double Recall(List<float[]> probes, List<long[]> truth) =>
                    probes.Select((q, i) => (double)Nearest(c, q, model, ms).Intersect(truth[i]).Count() / 10).Average();
                Nearest(c, enrolled[0], model, []); // warm
                var recallEnrolled = Recall(enrolled, exactEnrolled);
                var recallStrangers = Recall(strangers, exactStrangers);
                rows.Add(new PostgresEfJson(ef, R(Percentile(ms, 0.5)), R(Percentile(ms, 0.95)), R(recallEnrolled), R(recallStrangers)));
            }
            Execute(c, "RESET hnsw.ef_search");
            // The reference: the same query as an exact sequential scan (no index).
            Execute(c, "SET enable_indexscan = off");
            var scan = new List<double>();
            for (var i = 0; i < 3; i++) Nearest(c, enrolled[i], model, scan);
            exactScan = Percentile(scan, 0.5);
            Execute(c, "RESET enable_indexscan");
        }

        // The product's search (what `match` and `serve` run): identities, scored exactly in SQL from the HNSW candidates.
        // Run before and after ANALYZE: a bulk-loaded table has no planner statistics until autovacuum (or ANALYZE) runs.
        List<StoredFace> seed;
        using (var s = new SqliteGalleryStore(small)) seed = s.Faces(model);
        var personOfSeed = seed.Select(f => f.Identity).ToArray();
        string PersonOf(IdentityMatch m) => m.BestFacePath.StartsWith("synthetic:", StringComparison.Ordinal)
            ? personOfSeed[int.Parse(m.BestFacePath["synthetic:".Length..], CultureInfo.InvariantCulture) % personOfSeed.Length] : m.Identity;
        var search = GallerySearch.Open(store, model, pipeline.Dimension);
        var probes = enrolled.Concat(strangers).ToList();
        var exactResults = probes.Select(q => exact.Search(q, 10)).ToList();
        ProductFigures Product()
        {
            var ms = new List<double>();
            double top1 = 0, gap = 0, person = 0;
            search.Search(probes[0], 10);
            for (var i = 0; i < probes.Count; i++)
            {
                sw.Restart();
                var got = search.Search(probes[i], 10);
                ms.Add(sw.Elapsed.TotalMilliseconds);
                var want = exactResults[i];
                top1 += got.Count > 0 && got[0].Identity == want[0].Identity ? 1 : 0;
                gap += want[0].Similarity - (got.Count > 0 ? got[0].Similarity : 0);
                if (i < enrolled.Count) person += got.Count > 0 && PersonOf(got[0]) == enrolledPeople[i] ? 1 : 0;
            }
            return new ProductFigures(Percentile(ms, 0.5), Percentile(ms, 0.95), top1 / probes.Count, gap / probes.Count, person / enrolled.Count);
        }
        var before = Product();
        using (var c = db.OpenConnection())
        {
            sw.Restart();
            Execute(c, "ANALYZE gallery_faces");
            Execute(c, "ANALYZE gallery_files");
        }
        var analyze = sw.Elapsed.TotalMilliseconds;
        var after = Product();
        var exactPerson = enrolled.Select((_, i) => PersonOf(exactResults[i][0]) == enrolledPeople[i] ? 1.0 : 0).Average();
        var afterQueries = Memory(server);

        var add = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var face = new Face(new Box(0, 0, 112, 112), 0.9f, new PointF[68], enrolled[i], 5f, 0.9f, FaceSource.Primary, thumbnail);
            var record = new FileRecord($"bench:added/{Guid.NewGuid():N}", "bench added", "", 0, 0, Outcome.Indexed, "bench", model);
            sw.Restart();
            store.Write([new FileResult(record, face)]);
            add.Add(sw.Elapsed.TotalMilliseconds);
        }
        sw.Restart();
        store.RemoveIdentity("bench added");
        var remove = sw.Elapsed.TotalMilliseconds;
        var addMs = Percentile(add, 0.5);
        var end = Memory(server);

        Line($"{Environment.ProcessorCount} cores; {store.Location}: {faces.Count:N0} faces; {enrolled.Count} enrolled probes (celebs-24 query photos), {strangers.Count} strangers (south-asian-celebs)");
        Line($"{"figure",-44} {"this run",-22} reference (same run)");
        if (build > 0) Line($"{"bulk load through the store (no index)",-44} {load,9:F0} s");
        if (build > 0) Line($"{"HNSW build (m=16, ef_construction=64)",-44} {build,9:F0} s");
        foreach (var r in rows)
            Line($"{$"top-10 faces, ef_search {r.EfSearch}",-44} {r.P50Ms,7:F1} ms p50 {r.P95Ms,6:F1} p95   recall@10 vs exact: enrolled {r.RecallEnrolled:F3}, strangers {r.RecallStrangers:F3}; exact seq scan {exactScan:F0} ms");
        Line($"{"product search, before ANALYZE",-44} {before.P50,7:F1} ms p50 {before.P95,6:F1} p95   top-1 identity = exact {before.Top1:P0}, score {before.Gap:F4} below exact; right person {before.Person:P0} (exact {exactPerson:P0})");
        Line($"{$"ANALYZE ({analyze:F0} ms), then product search",-44} {after.P50,7:F1} ms p50 {after.P95,6:F1} p95   top-1 identity = exact {after.Top1:P0}, score {after.Gap:F4} below exact; right person {after.Person:P0} (exact {exactPerson:P0})");
        Line($"{"add a face (index present)",-44} {addMs,9:F1} ms");
        Line($"{"remove an identity (+ VACUUM)",-44} {remove,9:F1} ms");
        Line($"{"server memory (RSS / peak)",-44} {Mb(end.Rss),9} MB   {Mb(end.Peak)} MB peak; after the build {Mb(afterBuild.Rss)} MB, after the queries {Mb(afterQueries.Rss)} MB");
        if (json)
            console.WriteJson(new PostgresScaleJson(faces.Count, R(load), R(build), R(end.Rss), R(end.Peak), rows, R(before.P50), R(before.P95),
                R(analyze), R(after.P50), R(after.P95), R(after.Top1), R(after.Gap), R(after.Person), R(exactPerson), R(exactScan), R(addMs), R(remove)));
        return 0;
    }

    private static string Mb(double mb) => double.IsNaN(mb) ? "n/a" : mb.ToString("F0", CultureInfo.InvariantCulture);

    private static double R(double v) => double.IsNaN(v) ? -1 : Math.Round(v, 3);

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, (int)Math.Floor(p * sorted.Count))];
    }

    private static List<(float[] Embedding, string Label)> ProbeEmbeddings(FacePipeline pipeline, string set, IEnumerable<string> paths, IEnumerable<string> labels) =>
        [.. paths.Zip(labels).Where((_, i) => i % 7 == 0).Select(p => (pipeline.Analyze(Path.Combine(set, p.First)).Largest?.Embedding, p.Second))
            .Where(p => p.Embedding is not null).Select(p => (p.Embedding!, p.Second)).Take(Probes)];

    private sealed record ProductFigures(double P50, double P95, double Top1, double Gap, double Person);

    private static long[] Nearest(NpgsqlConnection c, float[] q, string model, List<double> ms)
    {
        var sw = Stopwatch.StartNew();
        using var cmd = new NpgsqlCommand("SELECT id FROM gallery_faces WHERE model = $2 ORDER BY embedding <=> $1 LIMIT 10", c);
        cmd.Parameters.AddWithValue(new Vector(q));
        cmd.Parameters.AddWithValue(model);
        var ids = new List<long>();
        using (var r = cmd.ExecuteReader()) while (r.Read()) ids.Add(r.GetInt64(0));
        ms.Add(sw.Elapsed.TotalMilliseconds);
        return [.. ids];
    }

    private static void Execute(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c) { CommandTimeout = 0 };
        cmd.ExecuteNonQuery();
    }

    private static long Scalar(NpgsqlConnection c, string sql)
    {
        using var cmd = new NpgsqlCommand(sql, c);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The local process listening on the connection's port (read from /proc), or 0 when the server is elsewhere.</summary>
    private static int ServerProcess(string connection)
    {
        var b = new NpgsqlConnectionStringBuilder(connection);
        if (!OperatingSystem.IsLinux() || b.Host is not ("127.0.0.1" or "localhost")) return 0;
        var port = b.Port.ToString("X4", CultureInfo.InvariantCulture);
        var inodes = File.ReadLines("/proc/net/tcp").Concat(File.Exists("/proc/net/tcp6") ? File.ReadLines("/proc/net/tcp6") : [])
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).Where(f => f.Length > 9 && f[1].EndsWith(":" + port, StringComparison.Ordinal) && f[3] == "0A")
            .Select(f => $"socket:[{f[9]}]").ToHashSet();
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), out var pid)) continue;
            try
            {
                if (Directory.EnumerateFileSystemEntries(Path.Combine(proc, "fd")).Any(fd => new FileInfo(fd).LinkTarget is { } t && inodes.Contains(t))) return pid;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's process, or gone.
            }
        }
        return 0;
    }

    /// <summary>VmRSS and VmHWM of <paramref name="pid"/> in MB (NaN when unknown).</summary>
    private static (double Rss, double Peak) Memory(int pid)
    {
        if (pid == 0) return (double.NaN, double.NaN);
        try
        {
            var status = File.ReadAllLines($"/proc/{pid}/status");
            double Field(string name) => status.Where(l => l.StartsWith(name, StringComparison.Ordinal))
                .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024).FirstOrDefault(double.NaN);
            return (Field("VmRSS:"), Field("VmHWM:"));
        }
        catch (IOException)
        {
            return (double.NaN, double.NaN);
        }
    }
}
