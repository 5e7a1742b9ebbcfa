using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Imaging;
using Lookalike.Pictures;
using Lookalike.Search;
using SkiaSharp;

namespace Lookalike.Cli.Commands;

/// <summary>
/// `lookalike average`: the landmark-warped mean face of a folder or of a gallery identity (or a morph of two), and
/// how well that mean face is still recognised as its person.
/// </summary>
internal static class AverageCommand
{
    public static Command Create(CliContext cli)
    {
        var source = new Argument<string>("source") { Description = "A folder of photos, or an identity in --db" };
        var db = GlobalOptions.Store("Gallery store (for an identity, and to rank the average face)");
        var blend = new Option<string[]?>("--blend")
        {
            Description = "Morph between two average faces (shape and texture): --blend A B, or SOURCE --blend B",
            Arity = new ArgumentArity(1, 2), AllowMultipleArgumentsPerToken = true,
        };
        var ratio = new Option<float>("--ratio") { Description = "Blend ratio (0 = A, 1 = B)", DefaultValueFactory = _ => 0.5f };
        var size = new Option<int>("--size") { Description = "Side of the square picture in pixels (64-1024)", DefaultValueFactory = _ => AverageFace.Size };
        var output = new Option<FileInfo>("--out") { Description = "PNG to write", DefaultValueFactory = _ => new FileInfo("average.png") };
        // With --blend the positional source is not needed; keep it optional so `average --blend A B` works.
        source.Arity = ArgumentArity.ZeroOrOne;
        var cmd = new Command("average", "The average face of a folder or a gallery identity (or --blend A B), and whether it is still recognised")
            { source, db, blend, ratio, size, output };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var side = parse.GetValue(size);
            if (side is < 64 or > 1024) throw new CliException("--size must be between 64 and 1024");
            var dbPath = parse.GetValue(db)!;
            // An absent option gives an empty array; `SOURCE --blend B` (the older form) means A = SOURCE.
            var given = parse.GetValue(blend) ?? [];
            var pair = given.Length switch
            {
                2 => given,
                1 => [parse.GetValue(source) ?? throw new CliException("--blend B needs a SOURCE (or give --blend A B)"), given[0]],
                _ => null,
            };
            var first = pair?[0] ?? parse.GetValue(source) ?? throw new CliException("give a folder or an identity (or --blend A B)");
            using var pipeline = cli.Pipeline(parse);
            using var store = GalleryStore.IsPostgres(dbPath) || File.Exists(dbPath) ? GalleryStore.Open(dbPath) : null;
            var started = DateTime.UtcNow;
            using var a = Mean(pipeline, store, first, side, out var kindA, out var identityA);
            using var b = pair is null ? null : Mean(pipeline, store, pair[1], side, out _, out _);
            using var blended = b is null ? null : AverageFace.Blend(a, b, parse.GetValue(ratio));
            var result = blended ?? a;
            var label = pair is null ? first : $"{pair[0]} × {pair[1]} at {parse.GetValue(ratio).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)}";
            var kind = pair is null ? kindA : "blend";
            var png = parse.GetValue(output)!;
            File.WriteAllBytes(png.FullName, ImageLoader.EncodePng(result.Image));
            var index = store is null ? null : GallerySearch.Open(store, pipeline.ModelId, pipeline.Dimension);
            var r = AverageFace.Recognise(pipeline, result, index, pair is null ? identityA : null);
            var seconds = (DateTime.UtcNow - started).TotalSeconds;
            if (CliContext.Json(parse)) cli.Console.WriteJson(AverageView.Json(label, kind, result.Faces, side, png.FullName, seconds, r));
            else cli.Console.WriteLine(AverageView.Describe(label, kind, result.Faces, png.FullName, seconds, r));
            return 0;
        }));
        return cmd;
    }

    /// <summary>
    /// The average of a folder's photos, or of a gallery identity's faces: the original photo where the stored path
    /// still exists (and held only this face), else the stored aligned thumbnail (the pipeline finds its landmarks again). Also returns which
    /// gallery identity the average should match (the identity, or a folder named like one).
    /// </summary>
    private static AverageFaceResult Mean(FacePipeline pipeline, IGalleryStore? store, string source, int size, out string kind, out string? identity)
    {
        List<Func<SKBitmap>> loaders;
        var limits = pipeline.Options.Limits;
        if (Directory.Exists(source))
        {
            kind = "folder";
            var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(source)));
            identity = store?.Identities().Any(i => i.Identity == name) == true ? name : null;
            loaders = [.. Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
                .Select(p => (Func<SKBitmap>)(() => ImageLoader.Load(p, limits)))];
        }
        else if (store is not null)
        {
            var faces = store.IdentityFaces(source);
            if (faces.Count == 0) throw new CliException($"'{source}' is neither a folder nor an identity in {store.Location}");
            identity = source;
            // Photos with several faces go through their stored thumbnail, so the average takes this person's face
            // and not the photo's largest. Thumbnails are read here: the SQLite connection is not for the workers.
            var usePhoto = faces.Select(f => !f.Several && File.Exists(f.Path)).ToList();
            var thumbnails = faces.Select((f, i) => usePhoto[i] ? null : store.Thumbnail(f.Id)).ToList();
            var photos = usePhoto.Count(u => u);
            kind = photos == faces.Count ? "photos" : photos == 0 ? "thumbnails" : "photos+thumbnails";
            loaders = [.. faces.Select((f, i) => (Func<SKBitmap>)(() => usePhoto[i]
                ? ImageLoader.Load(f.Path, limits)
                : ImageLoader.Decode(thumbnails[i] ?? throw new ImageLoadException(ImageProblem.Unreadable, "no thumbnail"), limits)))];
        }
        else throw new CliException($"folder not found: {source} (and no gallery database to look it up as an identity)");
        return AverageFace.FromLoaders(pipeline, loaders, size) ?? throw new CliException($"no face found in any photo of {source}");
    }
}
