using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Gallery;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike gallery add DIR`: index a folder per person incrementally (new and changed files embedded, deleted ones removed).</summary>
internal static class GalleryAddCommand
{
    public static Command Create(CliContext cli)
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "Folder with one sub-folder of photos per person" };
        var db = GlobalOptions.Store();
        var labels = new Option<FileInfo?>("--labels") { Description = "CSV path,identity instead of folder names (paths relative to the CSV)" };
        var workers = new Option<int>("--workers") { Description = "Images processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch-size") { Description = "Files written per transaction (an interrupted run loses at most this many)", DefaultValueFactory = _ => 32 };
        var cmd = new Command("add", "Index a folder incrementally: new and changed files are embedded, deleted ones removed") { dir, db, labels, workers, batch };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var root = parse.GetValue(dir)!;
            if (!root.Exists) throw new CliException($"folder not found: {root.FullName}");
            using var pipeline = cli.Pipeline(parse);
            using var store = GalleryStore.Open(parse.GetValue(db)!);
            var options = new IndexOptions
            {
                Workers = Math.Max(1, parse.GetValue(workers)),
                BatchSize = Math.Max(1, parse.GetValue(batch)),
                Labels = parse.GetValue(labels) is { } csv ? GalleryIndexer.ReadLabels(csv.FullName) : null,
            };
            // Ctrl+C stops after the files in flight; what was written stays, and the next run finishes the job.
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            IndexReport report;
            try
            {
                report = ProgressBars.Index(cli.Console.Err, (progress, token) => new GalleryIndexer(pipeline, store).Index(root.FullName, options, progress, token), cancel.Token);
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
}
