using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Gallery;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike gallery add DIR`: index a folder per person (or a .zip / .tar.gz of one) incrementally (new and changed files embedded, deleted ones removed).</summary>
internal static class GalleryAddCommand
{
    public static Command Create(CliContext cli)
    {
        var dir = new Argument<string>("dir") { Description = "Folder with one sub-folder of photos per person, or a .zip or .tar.gz of such folders (read in place)" };
        var db = GlobalOptions.Store();
        var labels = new Option<FileInfo?>("--labels") { Description = "CSV path,identity instead of folder names (paths relative to the CSV)" };
        var workers = new Option<int>("--workers") { Description = "Images processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch-size") { Description = "Files written per transaction (an interrupted run loses at most this many)", DefaultValueFactory = _ => 32 };
        var maxUnpacked = new Option<double>("--max-unpacked-gb") { Description = "For an archive: refuse it when it unpacks to more than this many GiB (zip-bomb limit)", DefaultValueFactory = _ => ArchiveLimits.Default.MaxTotalBytes / (double)(1L << 30) };
        var cmd = new Command("add", "Index a folder (or a .zip / .tar.gz of one) incrementally: new and changed files are embedded, deleted ones removed") { dir, db, labels, workers, batch, maxUnpacked };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var root = Path.GetFullPath(parse.GetValue(dir)!);
            if (!Directory.Exists(root) && !File.Exists(root)) throw new CliException($"folder or archive not found: {root}");
            if (parse.GetValue(maxUnpacked) is not (> 0 and var gib)) throw new CliException("--max-unpacked-gb must be more than 0");
            using var pipeline = cli.Pipeline(parse);
            var dbPath = parse.GetValue(db)!;
            var newFile = !GalleryStore.IsPostgres(dbPath) && !File.Exists(dbPath);
            using var store = GalleryStore.Open(dbPath);
            var options = new IndexOptions
            {
                Workers = Math.Max(1, parse.GetValue(workers)),
                BatchSize = Math.Max(1, parse.GetValue(batch)),
                Labels = parse.GetValue(labels) is { } csv ? GalleryIndexer.ReadLabels(csv.FullName) : null,
                ArchiveLimits = ArchiveLimits.Default with { MaxTotalBytes = (long)(Math.Min(gib, 1e9) * (1L << 30)) },
            };
            // Ctrl+C stops after the files in flight; what was written stays, and the next run finishes the job.
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            IndexReport report;
            try
            {
                report = ProgressBars.Index(cli.Console.Err, (progress, token) => new GalleryIndexer(pipeline, store).Index(root, options, progress, token), cancel.Token);
            }
            catch (GalleryArchiveException) when (newFile)
            {
                // Refused before anything was written: the store this run created goes too, as if it had never started.
                store.Dispose();
                DeleteNewStore(dbPath);
                throw;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            if (CliContext.Json(parse)) cli.Console.WriteJson(GalleryAddView.Json(report, store.Location));
            else GalleryAddView.Print(cli.Console, report, store.Location, parse.GetValue(db)!);
            return report.Cancelled ? 130 : 0;
        }));
        return cmd;
    }

    /// <summary>Deletes a SQLite gallery file this run created and the files SQLite keeps beside it.</summary>
    private static void DeleteNewStore(string path)
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { path, path + "-wal", path + "-shm", path + "-journal" })
            File.Delete(file);
    }
}
