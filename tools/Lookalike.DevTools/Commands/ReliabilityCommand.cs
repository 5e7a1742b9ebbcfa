using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Lookalike.Cli;
using Lookalike.Evaluation;
using Lookalike.Gallery;
using Lookalike.Web;
using Microsoft.Data.Sqlite;

namespace Lookalike.DevTools;

/// <summary>
/// `reliability` (dev tools): measures what hostile files, kills mid-index, concurrent readers and sustained load do,
/// and writes the figures as a Markdown table (docs/reliability.md). Everything runs against this machine only:
/// child `lookalike` processes (the CLI built beside this program) and the web app on 127.0.0.1.
/// </summary>
internal static class ReliabilityCommand
{
    public static Command Create()
    {
        var count = new Option<int>("--count") { Description = "Hostile files to generate", DefaultValueFactory = _ => 5000 };
        var kills = new Option<int>("--kills") { Description = "Times to kill -9 the indexer mid-run", DefaultValueFactory = _ => 20 };
        var soak = new Option<int>("--soak") { Description = "Match requests in the soak", DefaultValueFactory = _ => 20000 };
        var work = new Option<DirectoryInfo>("--work") { Description = "Scratch folder", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine(Path.GetTempPath(), "lookalike-reliability")) };
        var output = new Option<FileInfo>("--out") { Description = "Markdown report", DefaultValueFactory = _ => new FileInfo("docs/reliability.md") };
        var cmd = new Command("reliability", "Hostile files, kill -9 mid-index, concurrent reads and a soak: write the figures to docs/reliability.md") { count, kills, soak, work, output };
        cmd.SetAction(parse => DevOptions.Run(parse, () =>
        {
            var dir = parse.GetValue(work)!;
            if (dir.Exists) dir.Delete(recursive: true);
            dir.Create();
            var report = new Report();
            var corpus = Path.Combine(dir.FullName, "corpus");
            Step($"generating {parse.GetValue(count)} hostile files");
            var files = FuzzCommand.Make(corpus, parse.GetValue(count), seed: 1);
            var images = Path.Combine(corpus, "images");

            Step("indexing the corpus in a child process");
            var full = Path.Combine(dir.FullName, "full.db");
            var index = RunCli(["gallery", "add", images, "--db", full, "--json"]);
            report.Index(files, index, full);

            Step($"killing the indexer {parse.GetValue(kills)} times");
            report.Kills(Kills(images, Path.Combine(dir.FullName, "killed.db"), parse.GetValue(kills), index.Seconds), GallerySnapshot.Rows(full));

            Step("reading the gallery while it is written");
            report.Concurrency(Concurrent(images, Path.Combine(dir.FullName, "concurrent.db")));

            var (app, http) = LoadCommand.StartLocal(new WebOptions { Db = full, ModelsDir = parse.GetValue(DevOptions.ModelsDir) });
            try
            {
                Step("posting every corpus file to /api/match");
                report.Api(files, ApiFuzz(http, corpus, files), http.GetAsync("/health").GetAwaiter().GetResult().IsSuccessStatusCode);
                Step($"soak: {parse.GetValue(soak)} match requests");
                report.Soak(Soak(http, parse.GetValue(soak)));
            }
            finally
            {
                http.Dispose();
                app.StopAsync().GetAwaiter().GetResult();
            }
            var md = parse.GetValue(output)!;
            md.Directory?.Create();
            File.WriteAllText(md.FullName, report.Markdown(parse.GetValue(count), parse.GetValue(kills), parse.GetValue(soak)));
            Console.WriteLine(report.Summary);
            Console.WriteLine($"wrote {md.FullName}");
            return report.Failed ? 1 : 0;
        }));
        return cmd;
    }

    private static void Step(string what) => Console.Error.WriteLine($"[{DateTime.Now:HH:mm:ss}] {what}");

    internal sealed record CliRun(int ExitCode, string Stdout, string Stderr, double Seconds);

    /// <summary>Runs the real `lookalike` program (built beside this one) as a child process.</summary>
    internal static CliRun RunCli(string[] args, TimeSpan? timeout = null)
    {
        var sw = Stopwatch.StartNew();
        using var p = Process.Start(ChildStart(args))!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEndAsync();
        if (!p.WaitForExit(timeout ?? TimeSpan.FromMinutes(30))) { p.Kill(true); throw new CliException($"child run timed out: {string.Join(' ', args)}"); }
        return new CliRun(p.ExitCode, stdout.Result, stderr.Result, sw.Elapsed.TotalSeconds);
    }

    private static ProcessStartInfo ChildStart(string[] args)
    {
        var cli = Path.Combine(AppContext.BaseDirectory, "lookalike.dll");
        if (!File.Exists(cli)) throw new CliException($"{cli} not found: build tools/Lookalike.DevTools, which copies the lookalike CLI beside it");
        var host = Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet" ? self : "dotnet";
        var psi = new ProcessStartInfo(host) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(cli);
        foreach (var a in args) psi.ArgumentList.Add(a);
        return psi;
    }

    internal sealed record KillResult(int Kills, int IntegrityFailures, int Runs, CliRun Final, List<string> Rows);

    /// <summary>Starts the indexer, kills it with SIGKILL after a random delay, checks the store, and again; then lets a run finish.</summary>
    private static KillResult Kills(string images, string db, int kills, double fullSeconds)
    {
        var random = new Random(7);
        var (done, broken, runs) = (0, 0, 0);
        while (done < kills)
        {
            runs++;
            using var p = Process.Start(ChildStart(["gallery", "add", images, "--db", db, "--batch-size", "16", "--json"]))!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            Thread.Sleep(TimeSpan.FromSeconds(0.4 + random.NextDouble() * Math.Clamp(fullSeconds / 4, 1, 6)));
            if (p.HasExited) { File.Delete(db); continue; } // finished before the kill: start over
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            done++;
            if (!IntegrityOk(db)) broken++;
        }
        var final = RunCli(["gallery", "add", images, "--db", db, "--json"]);
        return new KillResult(done, broken, runs, final, GallerySnapshot.Rows(db));
    }

    private static bool IntegrityOk(string db)
    {
        if (!File.Exists(db)) return true;
        using var c = new SqliteConnection($"Data Source={db};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "PRAGMA integrity_check";
        return cmd.ExecuteScalar() as string == "ok";
    }

    internal sealed record ConcurrencyResult(int Reads, int LockErrors, int OtherErrors, int Decreases, int Torn, CliRun Writer, List<string> Messages);

    /// <summary>
    /// Loads the gallery the way `match` and the web app do (one query for all faces) while a child process indexes
    /// into it: no "database is locked", the face count never goes backwards, and no file is ever seen as indexed
    /// without its face (checked in one statement, so one snapshot).
    /// </summary>
    private static ConcurrencyResult Concurrent(string images, string db)
    {
        using (GalleryStore.Open(db)) { } // create the file first, as a reader would find it
        using var writer = Process.Start(ChildStart(["gallery", "add", images, "--db", db, "--batch-size", "8", "--json"]))!;
        var stdout = writer.StandardOutput.ReadToEndAsync();
        var stderr = writer.StandardError.ReadToEndAsync();
        var sw = Stopwatch.StartNew();
        var (reads, locked, other, decreases, torn, last) = (0, 0, 0, 0, 0, 0);
        var messages = new List<string>();
        while (!writer.HasExited && sw.Elapsed < TimeSpan.FromMinutes(10))
        {
            try
            {
                using var store = GalleryStore.Open(db);
                var faces = store.Faces(Faces.FaceEmbedder.Id).Count;
                if (faces < last) decreases++;
                last = faces;
                if (store.FilesMissingTheirFace() > 0) torn++;
                reads++;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
            {
                locked++;
                if (messages.Count < 5) messages.Add(e.Message);
            }
            catch (SqliteException e)
            {
                other++;
                if (messages.Count < 5) messages.Add(e.Message);
            }
            Thread.Sleep(20);
        }
        writer.WaitForExit();
        return new ConcurrencyResult(reads, locked, other, decreases, torn, new CliRun(writer.ExitCode, stdout.Result, stderr.Result, sw.Elapsed.TotalSeconds), messages);
    }

    /// <summary>Posts every corpus file that can be read to /api/match; returns the statuses by kind.</summary>
    private static Dictionary<string, Dictionary<int, int>> ApiFuzz(HttpClient http, string corpus, List<FuzzFile> files)
    {
        var byKind = new Dictionary<string, Dictionary<int, int>>();
        var readable = files.Where(f => { try { File.ReadAllBytes(Path.Combine(corpus, f.RelativePath)); return true; } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; } }).ToList();
        var run = LoadCommand.Run(http, i => LoadCommand.Form(File.ReadAllBytes(Path.Combine(corpus, readable[i].RelativePath))), readable.Count, 4, TimeSpan.FromMinutes(20));
        for (var i = 0; i < run.StatusOf.Length; i++)
        {
            var kind = byKind.TryGetValue(readable[i].Kind, out var k) ? k : byKind[readable[i].Kind] = new();
            k = byKind[readable[i].Kind];
            k[run.StatusOf[i]] = k.GetValueOrDefault(run.StatusOf[i]) + 1;
        }
        byKind["(not readable by the client)"] = new() { [-1] = files.Count - readable.Count };
        return byKind;
    }

    internal sealed record SoakResult(LoadCommand.LoadRun Run, double MemoryAfterWarmup, double MemoryAtEnd, double ManagedAfterWarmup, double ManagedAtEnd);

    private static SoakResult Soak(HttpClient http, int requests)
    {
        var photo = File.ReadAllBytes(SharedData.Find("lfw-gray/images/Abdel_Madi_Shabneh/Abdel_Madi_Shabneh_0001.jpg")
                                      ?? throw new CliException("shared/data not found"));
        var warm = LoadCommand.Run(http, _ => LoadCommand.Form(photo), 1000, 8, TimeSpan.FromMinutes(5));
        var (ws0, managed0) = LoadCommand.Memory();
        var run = LoadCommand.Run(http, _ => LoadCommand.Form(photo), Math.Max(2000, requests - 1000), 8, TimeSpan.FromMinutes(30));
        var (ws1, managed1) = LoadCommand.Memory();
        var all = new LoadCommand.LoadRun([.. warm.Latencies, .. run.Latencies], [.. warm.StatusOf, .. run.StatusOf], warm.Seconds + run.Seconds);
        return new SoakResult(all, ws0, ws1, managed0, managed1);
    }

    /// <summary>Collects the figures and writes them as Markdown.</summary>
    private sealed class Report
    {
        private readonly StringBuilder _md = new();
        private readonly List<string> _summary = [];
        public bool Failed { get; private set; }
        public string Summary => string.Join(Environment.NewLine, _summary);

        private void Check(bool ok, string what)
        {
            _summary.Add($"{(ok ? "ok  " : "FAIL")} {what}");
            if (!ok) Failed = true;
        }

        private static string F(double v, int digits = 1) => v.ToString("F" + digits, CultureInfo.InvariantCulture);

        public void Index(List<FuzzFile> files, CliRun run, string db)
        {
            var json = run.ExitCode == 0 ? JsonDocument.Parse(run.Stdout).RootElement : default;
            var outcomes = new Dictionary<string, string>(StringComparer.Ordinal);
            using (var store = GalleryStore.Open(db))
                foreach (var f in store.Files()) outcomes[f.Path] = f.Outcome.Name();
            var byKind = files.GroupBy(f => f.Kind).ToDictionary(g => g.Key, g => g.ToList());
            _md.AppendLine("## Hostile files: `gallery add` over the corpus").AppendLine();
            _md.AppendLine($"Exit code {run.ExitCode}, {F(run.Seconds)} s, peak memory {(run.ExitCode == 0 ? F(json.GetProperty("peak_memory_mb").GetDouble()) : "?")} MB, " +
                           $"{files.Count} files, {outcomes.Count} rows in the store, one outcome each.").AppendLine();
            _md.AppendLine("| kind | files | outcomes |").AppendLine("|---|---|---|");
            var corpus = Path.Combine(Path.GetDirectoryName(db)!, "corpus");
            var missing = 0;
            var validNotIndexed = 0;
            foreach (var (kind, list) in byKind)
            {
                var counts = list.Select(f => outcomes.GetValueOrDefault(Path.GetFullPath(Path.Combine(corpus, f.RelativePath)), "MISSING"))
                    .GroupBy(o => o).OrderByDescending(g => g.Count()).Select(g => $"{g.Key} {g.Count()}");
                missing += list.Count(f => !outcomes.ContainsKey(Path.GetFullPath(Path.Combine(corpus, f.RelativePath))));
                validNotIndexed += list.Count(f => f.ValidPhoto && !(outcomes.GetValueOrDefault(Path.GetFullPath(Path.Combine(corpus, f.RelativePath))) is "indexed" or "multiple_faces" or "no_face"));
                _md.AppendLine($"| {kind} | {list.Count} | {string.Join(", ", counts)} |");
            }
            _md.AppendLine();
            Check(run.ExitCode == 0, $"indexer exit code {run.ExitCode} over {files.Count} hostile files");
            Check(missing == 0 && outcomes.Count == files.Count, $"{files.Count - missing}/{files.Count} files have exactly one outcome");
            Check(validNotIndexed == 0, $"valid photos not decoded: {validNotIndexed}");
        }

        public void Kills(KillResult k, List<string> reference)
        {
            var lost = reference.Except(k.Rows).Count();
            var extra = k.Rows.Count - k.Rows.Distinct().Count() + k.Rows.Except(reference).Count();
            _md.AppendLine("## Kill -9 mid-index").AppendLine();
            _md.AppendLine("| kills | runs started | integrity_check failures | rows lost | rows duplicated or extra | final run exit |");
            _md.AppendLine("|---|---|---|---|---|---|");
            _md.AppendLine($"| {k.Kills} | {k.Runs + 1} | {k.IntegrityFailures} | {lost} | {extra} | {k.Final.ExitCode} |").AppendLine();
            Check(k.IntegrityFailures == 0 && lost == 0 && extra == 0 && k.Final.ExitCode == 0,
                $"{k.Kills} kills: {k.IntegrityFailures} integrity failures, {lost} rows lost, {extra} extra");
        }

        public void Concurrency(ConcurrencyResult c)
        {
            _md.AppendLine("## Reading while `gallery add` writes").AppendLine();
            _md.AppendLine("| reads (whole gallery loaded) | \"database is locked\" | other errors | indexed file seen without its face | face count went backwards | writer exit |");
            _md.AppendLine("|---|---|---|---|---|---|");
            _md.AppendLine($"| {c.Reads} | {c.LockErrors} | {c.OtherErrors} | {c.Torn} | {c.Decreases} | {c.Writer.ExitCode} |").AppendLine();
            foreach (var m in c.Messages) _md.AppendLine($"- error seen: `{m}`");
            if (c.Messages.Count > 0) _md.AppendLine();
            Check(c.LockErrors == 0 && c.OtherErrors == 0 && c.Torn == 0 && c.Decreases == 0 && c.Writer.ExitCode == 0 && c.Reads > 0,
                $"{c.Reads} reads during indexing: {c.LockErrors} locked, {c.OtherErrors} failed, {c.Torn} half-written");
        }

        public void Api(List<FuzzFile> files, Dictionary<string, Dictionary<int, int>> byKind, bool aliveAfter)
        {
            _md.AppendLine("## Hostile files through `POST /api/match`").AppendLine();
            _md.AppendLine("| kind | statuses |").AppendLine("|---|---|");
            foreach (var (kind, statuses) in byKind.OrderBy(k => k.Key))
                _md.AppendLine($"| {kind} | {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key < 0 ? "skipped" : s.Key.ToString())}: {s.Value}"))} |");
            var bad = byKind.Values.SelectMany(d => d).Where(s => s.Key >= 0 && s.Key is not (200 or 400 or 413 or 415 or 422)).Sum(s => s.Value);
            _md.AppendLine().AppendLine($"Statuses other than 200/400/413/415/422: {bad}. `/health` after: {(aliveAfter ? "200" : "down")}.").AppendLine();
            Check(bad == 0 && aliveAfter, $"API fuzz: {bad} unexpected statuses, server {(aliveAfter ? "alive" : "down")}");
        }

        public void Soak(SoakResult s)
        {
            var lat = s.Run.Latencies;
            var first = LoadCommand.Percentile(lat.Take(1000), 0.99);
            var last = LoadCommand.Percentile(lat.Skip(Math.Max(0, lat.Length - 1000)), 0.99);
            var growth = s.MemoryAtEnd - s.MemoryAfterWarmup;
            _md.AppendLine("## Soak: `POST /api/match` on 127.0.0.1, 8 in flight").AppendLine();
            _md.AppendLine("| requests | seconds | req/s | errors | p50 ms | p99 ms first 1000 | p99 ms last 1000 | working set after warm-up → end | managed heap after warm-up → end |");
            _md.AppendLine("|---|---|---|---|---|---|---|---|---|");
            _md.AppendLine($"| {lat.Length} | {F(s.Run.Seconds)} | {F(lat.Length / s.Run.Seconds)} | {s.Run.Errors} | {F(LoadCommand.Percentile(lat, 0.5))} | {F(first)} | {F(last)} | " +
                           $"{F(s.MemoryAfterWarmup)} → {F(s.MemoryAtEnd)} MB ({(growth >= 0 ? "+" : "")}{F(growth)}) | {F(s.ManagedAfterWarmup)} → {F(s.ManagedAtEnd)} MB |").AppendLine();
            Check(s.Run.Errors == 0 && growth < 50 && last < first * 1.5 + 50, $"soak {lat.Length} requests: {s.Run.Errors} errors, memory {(growth >= 0 ? "+" : "")}{F(growth)} MB, p99 {F(first)} → {F(last)} ms");
        }

        public string Markdown(int count, int kills, int soak)
        {
            var head = new StringBuilder();
            head.AppendLine("# Reliability").AppendLine();
            head.AppendLine($"Written by `dotnet run --project tools/Lookalike.DevTools -c Release -- reliability --count {count} --kills {kills} --soak {soak}` on {DateTime.UtcNow:yyyy-MM-dd} " +
                            $"({Environment.ProcessorCount} cores, .NET {Environment.Version}); the figures, not claims. Corpus: the dev tools' `fuzz` (seed 1) " +
                            "made from the photos in shared/data. The indexer ran as root here, so `no_permission` files were readable.").AppendLine();
            head.AppendLine("| check | result |").AppendLine("|---|---|");
            foreach (var line in _summary) head.AppendLine($"| {line[5..]} | {(line.StartsWith("ok") ? "ok" : "FAILED")} |");
            head.AppendLine();
            return head.ToString() + _md;
        }
    }
}
