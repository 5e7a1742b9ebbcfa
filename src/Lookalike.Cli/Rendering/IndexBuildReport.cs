using Lookalike.Gallery;
using Spectre.Console;

using Lookalike.Cli.Bench;

namespace Lookalike.Cli.Rendering;

/// <summary>Progress of a search index being (re)built, as lines on standard error (standard output stays the command's answer).</summary>
internal static class IndexBuildReport
{
    /// <summary>A line when the build starts and at every further tenth of the rows.</summary>
    public static IProgress<IndexBuildProgress> To(TextWriter err)
    {
        var shown = -1;
        return new LockedProgress<IndexBuildProgress>(p =>
        {
            var tenth = p.Total == 0 ? 10 : (int)(10L * p.Rows / p.Total);
            if (tenth == shown) return;
            shown = tenth;
            err.WriteLine(p.Rows == 0
                ? $"building the gallery's search index ({p.Total:N0} faces) ..."
                : $"  search index: {p.Rows:N0} / {p.Total:N0} faces ({tenth * 10} %)");
        });
    }
}
