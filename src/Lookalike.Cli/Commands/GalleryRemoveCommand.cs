using System.CommandLine;
using Lookalike.Gallery;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike gallery remove IDENTITY`: delete an identity's embeddings and thumbnails (the file is vacuumed).</summary>
internal static class GalleryRemoveCommand
{
    public static Command Create(CliContext cli)
    {
        var identity = new Argument<string>("identity") { Description = "Identity to remove (as listed by 'gallery list')" };
        var db = GlobalOptions.Store();
        var cmd = new Command("remove", "Remove an identity's embeddings and thumbnails (the file is vacuumed: no trace stays)") { identity, db };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            using var store = CliContext.OpenExisting(parse.GetValue(db)!);
            var name = Nfc.Normalize(parse.GetValue(identity)!); // stored names are NFC (GalleryIndexer)
            if (!store.Identities().Any(i => i.Identity == name)) throw new CliException($"no identity '{name}' in {store.Location}");
            var removed = store.RemoveIdentity(name);
            if (CliContext.Json(parse)) cli.Console.WriteJson(new { identity = name, removed_faces = removed });
            else cli.Console.WriteLine($"removed {name}: {removed} faces");
            return 0;
        }));
        return cmd;
    }
}
