using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>The progress bars on stderr over the library's long runs (plain lines when stderr is not a terminal).</summary>
internal static class ProgressBars
{
    /// <summary>Indexing: files done of all, rate and time left; kept on screen when done.</summary>
    public static IndexReport Index(IAnsiConsole err, Func<IProgress<IndexProgress>, CancellationToken, IndexReport> run, CancellationToken cancel) =>
        err.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(),
                     new TransferSpeedlessRateColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask("indexing", maxValue: 1);
                return run(new SynchronousProgress(task), cancel);
            });

    /// <summary>Embeds every distinct image once (<see cref="ImageEmbeddings.Compute"/>; unchanged images from <paramref name="cache"/>), with a bar that clears when done.</summary>
    public static ImageEmbeddings Embed(IAnsiConsole err, FacePipeline pipeline, IEnumerable<string> paths, int workers, EmbeddingCache? cache = null)
    {
        var distinct = paths.Distinct(StringComparer.Ordinal).ToList();
        return err.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedlessRateColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"{distinct.Count} images", maxValue: Math.Max(1, distinct.Count));
                return ImageEmbeddings.Compute(pipeline, distinct, new TaskProgress(task), workers, cache);
            });
    }
}
