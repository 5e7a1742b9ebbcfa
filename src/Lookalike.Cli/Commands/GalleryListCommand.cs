using System.CommandLine;
using Spectre.Console;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike gallery list`: identities in the gallery with their face and file counts.</summary>
internal static class GalleryListCommand
{
    public static Command Create(CliContext cli)
    {
        var db = GlobalOptions.Store();
        var cmd = new Command("list", "Identities in the gallery with their face counts") { db };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var store = CliContext.OpenExisting(parse.GetValue(db)!);
            var ids = store.Identities();
            if (CliContext.Json(parse))
            {
                cli.Console.WriteJson(Contracts.Gallery(store));
                return 0;
            }
            var table = new Table().AddColumn("identity").AddColumn(new TableColumn("faces").RightAligned()).AddColumn(new TableColumn("files").RightAligned());
            foreach (var i in ids) table.AddRow(Markup.Escape(i.Identity), i.Faces.ToString(), i.Files.ToString());
            cli.Console.Out.Write(table);
            cli.Console.WriteLine($"{ids.Count} identities, {ids.Sum(i => i.Faces)} faces");
            return 0;
        }));
        return cmd;
    }
}
