using System.Diagnostics;
using Lookalike.Cli.Rendering;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;

namespace Lookalike.Cli.Bench;

/// <summary>
/// Per image kind (photo, tight crop, LFW crop, no-face image, several faces), each model run of one analysis with its
/// count and milliseconds, beside the whole analysis from the file (decode included): the gap is what the code adds.
/// Images are picked from shared/data by what the pipeline finds in them, never by name.
/// </summary>
internal static class StageBreakdown
{
    private sealed record Kind(string Name, string Set, Func<FaceAnalysis, bool> Fits);

    private static readonly Kind[] Kinds =
    [
        new("photo, 1 face", "deepface-pairs/images", a => a.Faces.Count == 1 && a.Faces[0].Box.Height < 0.5 * Math.Min(a.Width, a.Height) && Math.Max(a.Width, a.Height) >= 1000),
        new("tight crop (face fills it)", "tight-crops/images", a => a.Faces.Count == 1 && a.Faces[0].Source == FaceSource.FrameFilling),
        new("LFW 350 px crop", "lfw-gray/images", a => a.Faces.Count == 1),
        new("no face", "edge-cases/images", a => a.Faces.Count == 0 && a.TooSmall == 0),
        new("several faces", "edge-cases/images", a => a.Faces.Count >= 3),
    ];

    public static void Run(BenchLines bench, FacePipeline pipeline, int n)
    {
        if (SharedData.Find() is null)
            throw new CliException("the breakdown times images from shared/data, which was not found: run it from the repository or set LOOKALIKE_DATA");
        foreach (var (label, options) in new[] { ("gallery add (AnalyzeOptions.Indexing)", AnalyzeOptions.Indexing), ("match (AnalyzeOptions.Full)", AnalyzeOptions.Full) })
        {
            bench.Line($"stage breakdown, {label}: model runs per image (count x median ms), the whole analysis from the file beside their sum");
            foreach (var kind in Kinds)
            {
                if (Pick(pipeline, kind, options) is not { } path)
                {
                    bench.Line($"  {kind.Name}: no fitting image in shared/data/{kind.Set}");
                    continue;
                }
                Measure(bench, pipeline, kind.Name, path, options, n);
            }
        }
    }

    /// <summary>The first image of the set (in name order) whose analysis fits the kind.</summary>
    private static string? Pick(FacePipeline pipeline, Kind kind, AnalyzeOptions options)
    {
        if (SharedData.Find(kind.Set) is not { } dir) return null;
        foreach (var file in Directory.EnumerateFiles(dir, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                if (kind.Fits(pipeline.Analyze(file, options))) return file;
            }
            catch (ImageLoadException)
            {
                // unreadable edge cases are not a kind of image to time
            }
        }
        return null;
    }

    private static void Measure(BenchLines bench, FacePipeline pipeline, string name, string path, AnalyzeOptions options, int n)
    {
        for (var i = 0; i < 5; i++) pipeline.Analyze(path, options);
        var totals = new double[n];
        var runsPerImage = new List<IReadOnlyList<ModelRun>>();
        var decode = new double[n];
        for (var i = 0; i < n; i++)
        {
            var sw = Stopwatch.StartNew();
            ImageLoader.Load(path, pipeline.Options.Limits, options.DecodeLongSide, out _).Dispose();
            decode[i] = sw.Elapsed.TotalMilliseconds;
            using var trace = ModelRunTrace.Start();
            sw.Restart();
            pipeline.Analyze(path, options);
            totals[i] = sw.Elapsed.TotalMilliseconds;
            runsPerImage.Add([.. trace.Runs]);
        }
        var sums = runsPerImage.Select(r => r.Sum(x => x.Milliseconds)).ToArray();
        var total = Median(totals);
        var sum = Median(sums);
        var kinds = runsPerImage[0].Select(r => r.Kind).Distinct();
        var parts = kinds.Select(k =>
        {
            var count = runsPerImage[0].Count(r => r.Kind == k);
            var ms = Median([.. runsPerImage.SelectMany(r => r.Where(x => x.Kind == k)).Select(x => x.Milliseconds)]);
            return $"{k} {count}x{ms:F2}";
        });
        var file = Path.GetFileName(path);
        bench.Line($"  {name} ({file}): {string.Join(", ", parts)}");
        bench.Line($"    per image {total:F2} ms = model runs {sum:F2} ms + decode {Median(decode):F2} ms + other {total - sum - Median(decode):F2} ms; total / model runs {total / sum:F2}x");
        var key = options == AnalyzeOptions.Full ? "full" : "indexing";
        bench.Summary[$"breakdown_{key}_{new string([.. name.TakeWhile(c => c != ' ' && c != ',')])}"] = new
        {
            image = file, per_image_ms = Math.Round(total, 2), model_runs_ms = Math.Round(sum, 2), decode_ms = Math.Round(Median(decode), 2),
            runs = runsPerImage[0].GroupBy(r => r.Kind).ToDictionary(g => g.Key, g => g.Count()),
        };
    }

    private static double Median(double[] values)
    {
        if (values.Length == 0) return 0;
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }
}
