using System.CommandLine;
using Lookalike.Cli.Rendering;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Gallery;
using Lookalike.Pictures;

namespace Lookalike.Cli.Commands;

/// <summary>
/// `lookalike demo`: the whole job in one command: fetch the models, index a gallery (shared/data/celebs-24 when
/// present, else a folder given), match a sample photo and write the result picture.
/// </summary>
internal static class DemoCommand
{
    public static Command Create(CliContext cli)
    {
        var dir = new Argument<DirectoryInfo?>("dir") { Description = "Folder per person (default: shared/data/celebs-24/images)", Arity = ArgumentArity.ZeroOrOne };
        var photo = new Option<FileInfo?>("--photo") { Description = "Photo to match (default: a celebs-24 query photo, else the first photo of the folder)" };
        var outDir = new Option<DirectoryInfo>("--out-dir") { Description = "Where the gallery and the picture go", DefaultValueFactory = _ => new DirectoryInfo("out") };
        var cmd = new Command("demo", "Fetch models, index a gallery and match a sample photo") { dir, photo, outDir };
        cmd.SetAction(parse => cli.Run(parse, () =>
        {
            var galleryDir = parse.GetValue(dir)?.FullName ?? SharedData.Find("celebs-24/images")
                ?? throw new CliException("no folder given and shared/data/celebs-24 not found: run 'lookalike demo DIR' with a folder per person");
            var output = parse.GetValue(outDir)!;
            output.Create();
            using var pipeline = cli.Pipeline(parse);
            var db = Path.Combine(output.FullName, "demo.db");
            using var store = GalleryStore.Open(db);
            cli.Console.WriteLine($"indexing {galleryDir} into {db} …");
            var sample = parse.GetValue(photo)?.FullName ?? SamplePhoto(galleryDir);
            var heldOut = GalleryLabels(galleryDir);
            if (heldOut is not null) cli.Console.WriteLine("split.csv found: indexing its gallery photos; its query photos are held out ('unlabelled')");
            var report = new GalleryIndexer(pipeline, store).Index(galleryDir, new IndexOptions { Labels = heldOut },
                new Progress<IndexProgress>(p => { if (p.Done % 100 == 0 || p.Done == p.Total) cli.Console.Stderr.Write($"\r  {p.Done}/{p.Total} files"); }));
            cli.Console.Stderr.WriteLine();
            cli.Console.WriteLine($"{report.Files} files: " + string.Join(", ", report.Outcomes.Where(kv => kv.Value > 0).Select(kv => $"{kv.Value} {kv.Key.Name()}")) +
                              $" ({report.Elapsed.TotalSeconds:F1} s)");
            using var matcher = new Matcher(pipeline, GalleryStore.Open(db));
            var results = matcher.Match(pipeline.Analyze(sample), 5);
            cli.Console.WriteLine($"matching {sample}:");
            var scores = results.Select(r => MatchScores.Of(matcher.Index, r, pipeline.Calibration)).ToList();
            foreach (var (r, i) in results.Select((r, i) => (r, i)))
            {
                cli.Console.WriteLine($"  face {i + 1}:");
                foreach (var (m, sc) in r.Matches.Zip(scores[i]))
                    cli.Console.WriteLine($"    {m.Identity,-28} {MatchScores.Alike(sc, m.BestSimilarity),-18} {MatchScores.SamePerson(sc),-20} (similarity {m.Similarity:F3})");
            }
            if (results.Count > 0) cli.Console.WriteLine(MatchScores.Legend(matcher.Index, pipeline.Calibration));
            var png = Path.Combine(output.FullName, "demo-match.png");
            File.WriteAllBytes(png, MatchPicture.Render(results, matcher.Store, pipeline.Calibration, scores));
            cli.Console.WriteLine($"picture: {png}");
            return 0;
        }));
        return cmd;
    }

    /// <summary>For a set with a split.csv (path,identity,split) beside the folder: labels of its gallery rows only.</summary>
    private static Dictionary<string, string>? GalleryLabels(string galleryDir)
    {
        var setDir = Path.GetDirectoryName(galleryDir.TrimEnd('/'))!;
        var split = Path.Combine(setDir, "split.csv");
        if (!File.Exists(split)) return null;
        return File.ReadLines(split).Skip(1).Select(l => l.Split(',')).Where(c => c.Length > 2 && c[2] == "gallery")
            .ToDictionary(c => Path.GetFullPath(Path.Combine(setDir, c[0])), c => c[1]);
    }

    /// <summary>A query photo from celebs-24's split.csv if the folder is celebs-24, else the folder's first file.</summary>
    private static string SamplePhoto(string galleryDir)
    {
        var split = Path.Combine(Path.GetDirectoryName(galleryDir.TrimEnd('/'))!, "split.csv");
        if (File.Exists(split))
        {
            var query = File.ReadLines(split).Skip(1).Select(l => l.Split(',')).FirstOrDefault(c => c.Length > 2 && c[2] == "query");
            if (query is not null) return Path.Combine(Path.GetDirectoryName(split)!, query[0]);
        }
        return Directory.EnumerateFiles(galleryDir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).FirstOrDefault()
               ?? throw new CliException($"{galleryDir} has no files");
    }
}
