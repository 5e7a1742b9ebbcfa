using System.CommandLine;
using Lookalike.Cli;
using Lookalike.Evaluation;

namespace Lookalike.DevTools;

/// <summary>`fuzz` (dev tools): writes the seeded corpus of hostile files (from real photos) used by the reliability checks.</summary>
internal static class FuzzCommand
{
    public static Command Create()
    {
        var output = new Argument<DirectoryInfo>("dir") { Description = "Empty folder to write the corpus into" };
        var count = new Option<int>("--count") { Description = "Files to write", DefaultValueFactory = _ => 5000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (same seed, same corpus)", DefaultValueFactory = _ => 1 };
        var cmd = new Command("fuzz", "Write a reproducible corpus of hostile image files made from the shared photos") { output, count, seed };
        cmd.SetAction(parse => DevOptions.Run(parse, () =>
        {
            var dir = parse.GetValue(output)!;
            var files = Make(dir.FullName, parse.GetValue(count), parse.GetValue(seed));
            Console.WriteLine($"wrote {files.Count} files ({FuzzCorpus.Kinds.Length} kinds) under {dir.FullName}; manifest.csv lists each file's kind");
            return 0;
        }));
        return cmd;
    }

    internal static List<FuzzFile> Make(string dir, int count, int seed)
    {
        if (Directory.Exists(dir) && Directory.EnumerateFileSystemEntries(dir).Any()) throw new CliException($"{dir} is not empty");
        return FuzzCorpus.Generate(SourcePhotos(), dir, Math.Max(1, count), seed);
    }

    /// <summary>Real photos of every kind in shared/data: full-size, grey, crops, Japanese-named.</summary>
    internal static List<string> SourcePhotos()
    {
        var photos = new List<string>();
        foreach (var set in new[] { "deepface-pairs/images", "lfw-gray/images", "jp-politicians/images", "celebs-24/images", "jp-sample/images" })
        {
            var dir = SharedData.Find(set);
            if (dir is not null) photos.AddRange(Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Take(40));
        }
        if (photos.Count == 0) throw new CliException("shared/data not found: the corpus is made from its photos");
        return photos;
    }
}
