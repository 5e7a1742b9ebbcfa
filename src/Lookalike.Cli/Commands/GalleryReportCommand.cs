using System.CommandLine;
using Lookalike.Gallery;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike gallery report`: every file's outcome as kept in the store.</summary>
internal static class GalleryReportCommand
{
    public static Command Create(CliContext cli)
    {
        var db = GlobalOptions.Store();
        var all = new Option<bool>("--all") { Description = "List every file, not only those without a clean single face" };
        var cmd = new Command("report", "Every file's outcome as kept in the store") { db, all };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var store = CliContext.OpenExisting(parse.GetValue(db)!);
            var files = store.Files();
            var listed = parse.GetValue(all) ? files : files.Where(f => f.Outcome != Outcome.Indexed).ToList();
            var counts = files.GroupBy(f => f.Outcome.Name()).ToDictionary(g => g.Key, g => g.Count());
            if (CliContext.Json(parse))
            {
                cli.Console.WriteJson(new { files = files.Count, outcomes = counts, listed = listed.Select(Contracts.File) });
                return 0;
            }
            foreach (var (k, v) in counts.OrderBy(kv => kv.Key)) cli.Console.WriteLine($"{k,-15} {v,6}");
            foreach (var f in listed) cli.Console.WriteLine($"  {f.Outcome.Name(),-15} {f.Path}{(f.Detail is null ? "" : "  (" + f.Detail + ")")}");
            return 0;
        }));
        return cmd;
    }
}
