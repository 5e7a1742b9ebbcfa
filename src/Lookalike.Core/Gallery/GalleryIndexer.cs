using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Gallery;

/// <summary>Progress of an indexing run: files looked at so far out of the total.</summary>
public readonly record struct IndexProgress(int Done, int Total, int Embedded);

/// <summary>The summary of one indexing run. The outcome counts add up to <see cref="Files"/>.</summary>
public sealed record IndexReport(string Root, int Files, IReadOnlyDictionary<Outcome, int> Outcomes, int Removed, int Embedded,
    IReadOnlyList<FileRecord> Problems, TimeSpan Elapsed, bool Cancelled);

public sealed record IndexOptions
{
    /// <summary>Images processed in parallel (each model runs single-threaded per image).</summary>
    public int Workers { get; init; } = Environment.ProcessorCount;
    /// <summary>Files written per transaction; a killed run loses at most this many.</summary>
    public int BatchSize { get; init; } = 32;
    /// <summary>
    /// A file still being analysed after this long gets the outcome 'timed_out' and the run goes on without it
    /// (its work is abandoned, not aborted: native calls cannot be stopped safely).
    /// </summary>
    public TimeSpan FileTimeout { get; init; } = TimeSpan.FromSeconds(60);
    /// <summary>How each photo is analysed: by default JPEGs are decoded at reduced scale (<see cref="AnalyzeOptions.Indexing"/>).</summary>
    public AnalyzeOptions Analysis { get; init; } = AnalyzeOptions.Indexing;
    /// <summary>Optional labels: full path → identity. Files under the root without a label are 'unlabelled'.</summary>
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>
/// Indexes a folder of photos, one sub-folder per person (the folder name is the identity, in any script; a file
/// directly in the root is named by its file name), incrementally: unchanged files (same size and mtime, or same
/// SHA-256) are not embedded again, changed and new ones are, deleted ones are removed. Every file gets an outcome.
/// For a photo with several faces the largest is kept and the file is flagged.
/// </summary>
public sealed class GalleryIndexer(FacePipeline pipeline, IGalleryStore store)
{
    public IndexReport Index(string root, IndexOptions? options = null, IProgress<IndexProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new IndexOptions();
        var started = DateTime.UtcNow;
        root = Path.GetFullPath(root).TrimEnd('/');
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException($"folder not found: {root}");

        var paths = Directory.EnumerateFiles(root, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
        }).Order(StringComparer.Ordinal).ToList();
        var known = store.FilesUnder(root);
        var counts = Enum.GetValues<Outcome>().ToDictionary(o => o, _ => 0);
        var problems = new ConcurrentBag<FileRecord>();
        var removed = known.Keys.Except(paths, StringComparer.Ordinal).ToList();
        if (removed.Count > 0) store.RemoveFiles(removed);

        var todo = new List<(string Path, string Identity, FileInfo Info)>();
        var unlabelled = new List<FileResult>();
        var touched = new List<FileRecord>();
        var done = 0;
        foreach (var path in paths)
        {
            var info = new FileInfo(path);
            var identity = IdentityOf(root, path, options.Labels);
            if (identity is null)
            {
                counts[Outcome.Unlabelled]++;
                var record = new FileRecord(path, "", "", info.Length, info.LastWriteTimeUtc.Ticks, Outcome.Unlabelled, "no label in the labels file", pipeline.ModelId);
                problems.Add(record);
                unlabelled.Add(new FileResult(record, null)); // stored too: replaces (and drops the face of) an earlier labelled run
                done++;
                continue;
            }
            if (known.TryGetValue(path, out var old) && old.Identity == identity && old.Model == pipeline.ModelId && old.Outcome != Outcome.TimedOut
                && old.Size == info.Length && old.MtimeTicks == info.LastWriteTimeUtc.Ticks)
            {
                counts[Outcome.Unchanged]++;
                done++;
                continue;
            }
            todo.Add((path, identity, info));
        }
        if (unlabelled.Count > 0) store.Write(unlabelled);
        progress?.Report(new IndexProgress(done, paths.Count, 0));

        var results = new BlockingCollection<FileResult>(boundedCapacity: options.BatchSize * 4);
        var embedded = 0;
        // The writer and each file's analysis run on threads of their own (LongRunning), not on the thread pool: the
        // pool's threads are the Parallel.ForEach workers, which block waiting for them, and on 2 cores the pool grows
        // too slowly to serve both (measured: 2 workers indexed slower than 1).
        var writer = Task.Factory.StartNew(() =>
        {
            var batch = new List<FileResult>(options.BatchSize);
            foreach (var result in results.GetConsumingEnumerable())
            {
                batch.Add(result);
                if (batch.Count >= options.BatchSize)
                {
                    store.Write(batch);
                    batch.Clear();
                }
            }
            if (batch.Count > 0) store.Write(batch);
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var cancelled = false;
        try
        {
            Parallel.ForEach(todo, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Workers), CancellationToken = cancellation },
                item =>
                {
                    var sha = Sha256(item.Path);
                    Outcome outcome;
                    if (known.TryGetValue(item.Path, out var old) && old.Sha256 == sha && old.Identity == item.Identity && old.Model == pipeline.ModelId
                        && old.Outcome != Outcome.TimedOut)
                    {
                        lock (touched) touched.Add(old with { Size = item.Info.Length, MtimeTicks = item.Info.LastWriteTimeUtc.Ticks });
                        outcome = Outcome.Unchanged;
                    }
                    else
                    {
                        var work = Task.Factory.StartNew(() => Process(item.Path, item.Identity, sha, item.Info, options),
                            CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                        // Wait on the handle, not Task.Wait: Task.Wait may run a not-yet-started task inline on this
                        // thread, and then no timeout applies (seen as a flaky timeout test).
                        var result = ((IAsyncResult)work).AsyncWaitHandle.WaitOne(options.FileTimeout)
                            ? work.Result
                            : new FileResult(new FileRecord(item.Path, item.Identity, sha, item.Info.Length, item.Info.LastWriteTimeUtc.Ticks,
                                Outcome.TimedOut, $"still running after {options.FileTimeout.TotalSeconds:F0} s", pipeline.ModelId), null);
                        outcome = result.File.Outcome;
                        if (result.Face is not null) Interlocked.Increment(ref embedded);
                        if (!outcome.HasFace() || outcome == Outcome.MultipleFaces) problems.Add(result.File);
                        results.Add(result);
                    }
                    lock (counts) counts[outcome]++;
                    var n = Interlocked.Increment(ref done);
                    progress?.Report(new IndexProgress(n, paths.Count, Volatile.Read(ref embedded)));
                });
        }
        catch (OperationCanceledException)
        {
            cancelled = true;
        }
        finally
        {
            results.CompleteAdding();
            writer.Wait();
        }
        if (touched.Count > 0) store.Touch(touched);

        return new IndexReport(root, paths.Count, counts, removed.Count, embedded,
            [.. problems.OrderBy(p => p.Path, StringComparer.Ordinal)], DateTime.UtcNow - started, cancelled);
    }

    /// <summary>Analyses one file and decides its outcome. Never throws for a bad image.</summary>
    private FileResult Process(string path, string identity, string sha, FileInfo info, IndexOptions options)
    {
        FileRecord Record(Outcome o, string? detail) =>
            new(path, identity, sha, info.Length, info.LastWriteTimeUtc.Ticks, o, detail, pipeline.ModelId);
        FaceAnalysis analysis;
        try
        {
            analysis = pipeline.Analyze(path, options.Analysis);
        }
        catch (ImageLoadException e)
        {
            return new FileResult(Record(e.Problem == ImageProblem.TooLarge ? Outcome.TooLarge : Outcome.Unreadable, e.Message), null);
        }
        if (analysis.Faces.Count == 0)
        {
            return analysis.TooSmall > 0
                ? new FileResult(Record(Outcome.TooSmall, $"{analysis.TooSmall} face(s) under {pipeline.Options.MinFaceSize} px"), null)
                : new FileResult(Record(Outcome.NoFace, null), null);
        }
        var face = analysis.Faces[0];
        return analysis.Faces.Count > 1
            ? new FileResult(Record(Outcome.MultipleFaces, $"{analysis.Faces.Count} faces; kept the largest"), face)
            : new FileResult(Record(Outcome.Indexed, null), face);
    }

    /// <summary>The identity of a file: its label, the first folder under the root, or for a file in the root its name.</summary>
    internal static string? IdentityOf(string root, string path, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is not null) return labels.TryGetValue(path, out var label) ? label : null;
        var relative = Path.GetRelativePath(root, path);
        var slash = relative.IndexOf(Path.DirectorySeparatorChar);
        return slash > 0 ? relative[..slash] : Path.GetFileNameWithoutExtension(relative);
    }

    /// <summary>Reads a labels CSV (path,identity; paths relative to the CSV's folder or absolute) into full paths.</summary>
    public static Dictionary<string, string> ReadLabels(string csvPath)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(csvPath))!;
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var lineNo = 0;
        foreach (var line in File.ReadLines(csvPath))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            var cells = line.Split(',');
            if (cells.Length < 2) throw new FormatException($"{csvPath}:{lineNo}: expected 'path,identity'");
            var (file, identity) = (cells[0].Trim(), cells[1].Trim());
            if (lineNo == 1 && file.Equals("path", StringComparison.OrdinalIgnoreCase)) continue;
            labels[Path.GetFullPath(Path.Combine(dir, file))] = identity;
        }
        return labels;
    }

    private static string Sha256(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unreadable:" + e.GetType().Name;
        }
    }
}
