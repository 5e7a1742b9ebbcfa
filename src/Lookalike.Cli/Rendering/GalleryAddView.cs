using System.Diagnostics;
using Lookalike.Gallery;
using Spectre.Console;

namespace Lookalike.Cli.Rendering;

/// <summary>What `gallery add` prints: the outcome table and a summary, or the JSON contract.</summary>
internal static class GalleryAddView
{
    /// <summary>The --json object (field names are a contract).</summary>
    public static object Json(IndexReport report, string location) => new
    {
        root = report.Root,
        db = location,
        files = report.Files,
        outcomes = report.Outcomes.ToDictionary(kv => kv.Key.Name(), kv => kv.Value),
        removed = report.Removed,
        embedded = report.Embedded,
        seconds = Math.Round(report.Elapsed.TotalSeconds, 2),
        peak_memory_mb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1048576.0, 1),
        cancelled = report.Cancelled,
        problems = report.Problems.Select(p => new { path = p.Path, outcome = p.Outcome.Name(), detail = p.Detail }),
    };

    /// <summary>Outcome counts as a table, the rate, and the first 20 problem files.</summary>
    public static void Print(CliConsole console, IndexReport report, string location, string db)
    {
        var table = new Table().AddColumn("outcome").AddColumn(new TableColumn("files").RightAligned());
        foreach (var (outcome, n) in report.Outcomes.Where(kv => kv.Value > 0)) table.AddRow(outcome.Name(), n.ToString());
        table.AddRow("[bold]total[/]", $"[bold]{report.Files}[/]");
        console.Out.Write(table);
        console.WriteLine($"{report.Embedded} embedded, {report.Removed} removed, {report.Elapsed.TotalSeconds:F1} s " +
                          $"({report.Embedded / Math.Max(0.001, report.Elapsed.TotalSeconds):F1} photos/s) → {location}");
        foreach (var p in report.Problems.Take(20)) console.WriteLine($"  {p.Outcome.Name(),-15} {p.Path}{(p.Detail is null ? "" : "  (" + p.Detail + ")")}");
        if (report.Problems.Count > 20) console.WriteLine($"  … {report.Problems.Count - 20} more: 'lookalike gallery report --db {db}'");
        if (report.Cancelled) console.WriteLine("interrupted: run the same command again to finish");
    }
}
