using System.Globalization;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Gallery;

/// <summary>
/// Indexes a folder of photos, one sub-folder per person (the folder name is the identity, in any script; a file
/// directly in the root is named by its file name), or a .zip / .tar.gz of such folders read in place
/// (<see cref="IndexOptions.ArchiveLimits"/>), incrementally: unchanged files (same size and mtime, or same
/// SHA-256) are not embedded again, changed and new ones are, deleted ones are removed. Every file gets an outcome.
/// For a photo with several faces the largest is kept and the file is flagged.
/// </summary>
public sealed class GalleryIndexer(FacePipeline pipeline, IGalleryStore store)
{
    /// <summary>Brings the store up to date with the photos under <paramref name="root"/>: embeds new and changed files, removes deleted ones, records an outcome for every file.</summary>
    /// <param name="root">
    /// The gallery folder (one sub-folder per person), or a .zip or .tar.gz of it. An archive's entries are stored as
    /// <c>archive path/entry name</c> and read into memory one at a time, never extracted; when every entry lies in
    /// one folder holding the person folders (lfw.tgz's lfw/), that folder is the root.
    /// </param>
    /// <param name="options">Workers, batch size, timeout, labels; the defaults when null.</param>
    /// <param name="progress">Receives progress as files are processed; null for none.</param>
    /// <param name="cancellation">Stops taking new files (running ones finish); what was done is written and the report says it was cancelled.</param>
    /// <exception cref="GalleryArchiveException">an archive that is refused (a name leaving it, a zip bomb) or unreadable; nothing is written.</exception>
    public IndexReport Index(string root, IndexOptions? options = null, IProgress<IndexProgress>? progress = null,
        CancellationToken cancellation = default)
    {
        options ??= new IndexOptions();
        var started = DateTime.UtcNow;
        root = Path.GetFullPath(root).TrimEnd('/');
        // An archive is opened (listed and checked whole) before anything is written: a refused one leaves the store as it was.
        using var archive = File.Exists(root) ? GalleryArchive.Open(root, options.ArchiveLimits) : null;
        if (archive is null && !Directory.Exists(root)) throw new DirectoryNotFoundException($"folder not found: {root}");

        var sources = archive is null ? FolderFiles(root) : [.. archive.Entries.Select(e => new Source(archive.PathOf(e), e.Size, e.MtimeTicks, e))];
        var identityRoot = archive?.Root ?? root;
        var paths = sources.ConvertAll(f => f.Path);
        var known = store.FilesUnder(root);
        var counts = Enum.GetValues<Outcome>().ToDictionary(o => o, _ => 0);
        var problems = new ConcurrentBag<FileRecord>();
        var removed = known.Keys.Except(paths, StringComparer.Ordinal).ToList();
        if (removed.Count > 0) store.RemoveFiles(removed);

        var todo = new List<(Source File, string Identity)>();
        var unlabelled = new List<FileResult>();
        var touched = new List<FileRecord>();
        var done = 0;
        foreach (var file in sources)
        {
            var path = file.Path;
            var identity = IdentityOf(identityRoot, path, options.Labels);
            if (identity is null)
            {
                counts[Outcome.Unlabelled]++;
                var record = new FileRecord(path, "", "", file.Size, file.MtimeTicks, Outcome.Unlabelled, "no label in the labels file", pipeline.ModelId);
                problems.Add(record);
                unlabelled.Add(new FileResult(record, null)); // stored too: replaces (and drops the face of) an earlier labelled run
                done++;
                continue;
            }
            if (known.TryGetValue(path, out var old) && old.Identity == identity && old.Model == pipeline.ModelId && old.Outcome != Outcome.TimedOut
                && old.Size == file.Size && old.MtimeTicks == file.MtimeTicks)
            {
                counts[Outcome.Unchanged]++;
                done++;
                continue;
            }
            todo.Add((file, identity));
        }
        archive?.Want(todo.Select(t => t.File.Entry!), pipeline.Options.Limits.MaxBytes);
        if (unlabelled.Count > 0) store.Write(unlabelled);
        progress?.Report(new IndexProgress(done, paths.Count, 0));

        var results = new BlockingCollection<FileResult>(boundedCapacity: options.BatchSize * 4);
        var embedded = 0;
        // One writer thread for the whole run (not a thread-pool task: it blocks for as long as the run lasts). If the
        // store fails, adding stops, so the workers stop with an error instead of waiting for a writer that is gone.
        var writer = Task.Factory.StartNew(() =>
        {
            try
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
            }
            catch
            {
                results.CompleteAdding();
                throw;
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        void Finish(FileResult? result, FileRecord? touch)
        {
            Outcome outcome;
            if (result is null)
            {
                lock (touched) touched.Add(touch!);
                outcome = Outcome.Unchanged;
            }
            else
            {
                outcome = result.File.Outcome;
                if (result.Face is not null) Interlocked.Increment(ref embedded);
                if (!outcome.HasFace() || outcome == Outcome.MultipleFaces) problems.Add(result.File);
                results.Add(result);
            }
            lock (counts) counts[outcome]++;
            var n = Interlocked.Increment(ref done);
            progress?.Report(new IndexProgress(n, paths.Count, Volatile.Read(ref embedded)));
        }

        // The analysis of a file, or, when its content is unchanged (same SHA-256), only its new fingerprint.
        (FileResult? Result, FileRecord? Touch) Handle((Source File, string Identity) item, Action startClock)
        {
            var file = item.File;
            known.TryGetValue(file.Path, out var old);
            // An archive entry is read into memory once, for both its hash and its analysis.
            var (bytes, failed) = file.Entry is null ? (null, null) : ReadEntry(archive!, file.Entry);
            // Reaching an entry of a tar.gz can mean decompressing a long way (it is read in order): the time limit is
            // for analysing a photo, so it starts when the photo is in memory.
            startClock();
            var sha = file.Entry is null ? Sha256(file.Path) : bytes is null ? null : Convert.ToHexStringLower(SHA256.HashData(bytes));
            // A file that cannot be read has no hash: it is unchanged when it was unreadable (and hashless) before too.
            var same = sha is null ? old is { Outcome: Outcome.Unreadable, Sha256.Length: 0 } : old?.Sha256 == sha;
            if (old is not null && same && old.Identity == item.Identity && old.Model == pipeline.ModelId
                && old.Outcome != Outcome.TimedOut)
                return (null, old with { Size = file.Size, MtimeTicks = file.MtimeTicks });
            return (Process(file, item.Identity, sha ?? "", bytes, failed, options), null);
        }

        try
        {
            RunWorkers(todo.Count, Math.Max(1, options.Workers), options.FileTimeout, cancellation,
                (k, startClock) => Handle(todo[k], startClock),
                (_, r) => Finish(r.Result, r.Touch),
                k => Finish(new FileResult(new FileRecord(todo[k].File.Path, todo[k].Identity, "", todo[k].File.Size, todo[k].File.MtimeTicks,
                    Outcome.TimedOut, string.Create(CultureInfo.InvariantCulture, $"still running after {options.FileTimeout.TotalSeconds:F0} s"), pipeline.ModelId), null), null));
        }
        catch (InvalidOperationException) when (results.IsAddingCompleted)
        {
            writer.GetAwaiter().GetResult(); // the store failed: its error is the one to report
            throw;
        }
        results.CompleteAdding();
        writer.GetAwaiter().GetResult();
        var cancelled = cancellation.IsCancellationRequested && Volatile.Read(ref done) < paths.Count;
        if (touched.Count > 0) store.Touch(touched);

        return new IndexReport(root, paths.Count, counts, removed.Count, embedded,
            [.. problems.OrderBy(p => p.Path, StringComparer.Ordinal)], DateTime.UtcNow - started, cancelled);
    }

    /// <summary>
    /// Runs <paramref name="work"/> then <paramref name="deliver"/> for items 0..count-1 on <paramref name="workers"/> threads of their own, each taking
    /// the next item until none is left or the run is cancelled (a running item is finished). Own threads, not the thread
    /// pool: a fixed few threads keep glibc's per-thread malloc arenas few (a thread per file grew the working set from
    /// 380 to 630 MB over 10,000 photos), and nothing waits for a pool that grows slowly on 2 cores. A watchdog (this
    /// thread) gives up on an item whose work still runs after <paramref name="timeout"/>: <paramref name="timedOut"/>
    /// records it and a fresh thread takes the worker's place; the stuck one (a native call cannot be stopped safely)
    /// ends on its own and its result is dropped. Each item is delivered or timed out, never both. An item's clock starts
    /// when its work calls the action it is given (after reading its input, which for an archive entry can mean
    /// decompressing a long way), not when the item is taken.
    /// </summary>
    private static void RunWorkers<T>(int count, int workers, TimeSpan timeout, CancellationToken cancellation,
        Func<int, Action, T> work, Action<int, T> deliver, Action<int> timedOut)
    {
        const int Idle = -1, Finished = -2, Abandoned = -3;
        var next = -1;
        Exception? failure = null;
        var slots = new List<Worker>();

        void Start()
        {
            var slot = new Worker();
            slots.Add(slot);
            new Thread(() =>
            {
                try
                {
                    while (!cancellation.IsCancellationRequested && Volatile.Read(ref failure) is null)
                    {
                        var k = Interlocked.Increment(ref next);
                        if (k >= count) break;
                        lock (slot) (slot.Item, slot.Started) = (k, long.MaxValue); // not started: never over the timeout
                        var result = work(k, () => { lock (slot) if (slot.Item == k) slot.Started = Environment.TickCount64; });
                        lock (slot)
                        {
                            if (slot.Item == Abandoned) return; // the watchdog has recorded it as timed out
                            slot.Item = Idle;
                        }
                        deliver(k, result);
                    }
                }
                catch (Exception e)
                {
                    lock (slot) if (slot.Item == Abandoned) return; // already recorded as timed out
                    Interlocked.CompareExchange(ref failure, e, null);
                }
                lock (slot) if (slot.Item != Abandoned) slot.Item = Finished;
            }) { IsBackground = true, Name = "lookalike-index" }.Start();
        }

        for (var i = 0; i < Math.Min(workers, count); i++) Start();
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(timeout.TotalMilliseconds / 4, 1, 100));
        while (true)
        {
            var running = 0;
            foreach (var slot in slots.ToList())
            {
                int stuck;
                lock (slot)
                {
                    if (slot.Item is Finished or Abandoned) continue;
                    running++;
                    if (slot.Item < 0 || Environment.TickCount64 - slot.Started < timeout.TotalMilliseconds) continue;
                    (stuck, slot.Item) = (slot.Item, Abandoned);
                }
                timedOut(stuck);
                Start();
            }
            if (running == 0) break;
            Thread.Sleep(poll);
        }
        if (failure is not null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
    }

    /// <summary>What one worker thread is doing: the item it runs (or a state) and since when.</summary>
    private sealed class Worker
    {
        public int Item = -1;
        public long Started;
    }

    /// <summary>
    /// Analyses one file (an archive entry from its <paramref name="bytes"/>, or the error that reading it gave) and
    /// decides its outcome. Never throws for a bad image.
    /// </summary>
    private FileResult Process(Source file, string identity, string sha, byte[]? bytes, ImageLoadException? failed, IndexOptions options)
    {
        FileRecord Record(Outcome o, string? detail) =>
            new(file.Path, identity, sha, file.Size, file.MtimeTicks, o, detail, pipeline.ModelId);
        FaceAnalysis analysis;
        try
        {
            if (failed is not null) throw failed;
            analysis = bytes is null ? pipeline.Analyze(file.Path, options.Analysis) : pipeline.Analyze(bytes, options.Analysis);
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

    /// <summary>An archive entry's bytes, or why it has none (a link, over the size limit, unreadable).</summary>
    private static (byte[]? Bytes, ImageLoadException? Failed) ReadEntry(GalleryArchive archive, ArchiveEntry entry)
    {
        if (entry.Problem is { } problem) return (null, new ImageLoadException(ImageProblem.Unreadable, problem));
        try
        {
            return (archive.Read(entry), null);
        }
        catch (ImageLoadException e)
        {
            return (null, e);
        }
    }

    /// <summary>Every file under a folder, by path (ordinal), with its size and mtime.</summary>
    private static List<Source> FolderFiles(string root) =>
        [.. Directory.EnumerateFiles(root, "*", new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = 0,
            IgnoreInaccessible = false,
        }).Order(StringComparer.Ordinal).Select(path =>
        {
            var info = new FileInfo(path);
            return new Source(path, info.Exists ? info.Length : 0, info.LastWriteTimeUtc.Ticks, null); // a dangling link: unreadable
        })];

    /// <summary>A file to index: its stored path and fingerprint, and for an archive its entry.</summary>
    private sealed record Source(string Path, long Size, long MtimeTicks, ArchiveEntry? Entry);

    /// <summary>
    /// The identity of a file: its label, the first folder under the root, or for a file in the root its name; in
    /// Unicode NFC, so a name written decomposed (macOS folder names, zips made there) is the same person as its
    /// composed spelling. A gallery indexed before this stored such names as they were: their files are embedded
    /// again once, under the composed name.
    /// </summary>
    internal static string? IdentityOf(string root, string path, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is not null) return labels.TryGetValue(path, out var label) ? Nfc.Normalize(label) : null;
        var relative = Path.GetRelativePath(root, path);
        var slash = relative.IndexOf(Path.DirectorySeparatorChar);
        return Nfc.Normalize(slash > 0 ? relative[..slash] : Path.GetFileNameWithoutExtension(relative));
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

    /// <summary>The file's SHA-256 (lower-case hex), or null when it cannot be read (its outcome then says so).</summary>
    private static string? Sha256(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
