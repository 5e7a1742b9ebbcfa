using System.Diagnostics;
using System.Globalization;
using System.Text;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Training.Onnx;

namespace Lookalike.Training;

/// <summary>
/// The measured experiment behind docs/training.md: fine-tune on a split of identities of south-asian-celebs and
/// celebs-24, then compare the stock and the trained embedder (both on ONNX Runtime, on the same aligned crops) on the
/// identities never trained on and on lfw-gray's pairs. Identity splits are by sorted name with a fixed seed.
/// </summary>
public sealed class Experiment(FacePipeline pipeline, string dataRoot, string stockOnnx, TextWriter log)
{
    public int TestSouthAsian { get; init; } = 3;
    public int TestCelebs { get; init; } = 8;
    public int Seed { get; init; } = 7;
    private string _noFace = "";
    private int _lfwNoFace;
    private double _monitorBaseline;
    private double _equivalence;

    /// <summary>Largest absolute difference between the raw 512-d outputs of the TorchSharp net and ONNX Runtime.</summary>
    public static double MaxDifference(OnnxNet net, string onnx, IReadOnlyList<byte[]> crops)
    {
        net.eval();
        using var embedder = new FaceEmbedder(onnx, 1);
        double max = 0;
        foreach (var crop in crops)
        {
            using var bitmap = new AlignedFace("", "", crop).ToBitmap();
            var expected = embedder.Embed(bitmap);
            using var _ = TorchSharp.torch.no_grad();
            using var x = FaceData.Batch([crop]);
            using var y = net.forward(x);
            var actual = y.data<float>().ToArray();
            for (var i = 0; i < actual.Length; i++) max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }
        return max;
    }

    public sealed record Population(string Name, VerificationResult Before, VerificationResult After)
    {
        /// <summary>95 % interval of AUC(after) - AUC(before) from a paired bootstrap: the same resampled pairs scored by both models.</summary>
        public Interval AucChange { get; } = PairedAucChange(Before.Scores, After.Scores);
    }

    public static Interval PairedAucChange(IReadOnlyList<ScoredPair> before, IReadOnlyList<ScoredPair> after, int resamples = 1000, int seed = Bootstrap.DefaultSeed)
    {
        var random = new Random(seed);
        var changes = new List<double>(resamples);
        var a = new ScoredPair[before.Count];
        var b = new ScoredPair[after.Count];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < a.Length; i++)
            {
                var k = random.Next(a.Length);
                a[i] = before[k];
                b[i] = after[k];
            }
            var change = Roc.Auc(b) - Roc.Auc(a);
            if (!double.IsNaN(change)) changes.Add(change);
        }
        changes.Sort();
        return changes.Count == 0 ? new Interval(double.NaN, double.NaN)
            : new Interval(changes[(int)(0.025 * (changes.Count - 1))], changes[(int)Math.Ceiling(0.975 * (changes.Count - 1))]);
    }

    public string Run(TrainOptions options, string outDir, Action<EpochReport>? onEpoch = null, Action<int, int, int, double>? onStep = null)
    {
        var clock = Stopwatch.StartNew();
        var sa = Faces("south-asian-celebs");
        var c24 = Faces("celebs-24");
        var (saTrain, saTest) = SplitTest(sa, TestSouthAsian);
        var (cTrain, cTest) = SplitTest(c24, TestCelebs);
        var trainAll = saTrain.Concat(cTrain).ToList();
        var (train, validation) = Trainer.SplitIdentities(trainAll, 0.2, Seed);
        log.WriteLine($"train {train.Count} faces / {Ids(train)} ids, validation {validation.Count} / {Ids(validation)} ids, " +
                      $"test south-asian {saTest.Count} / {Ids(saTest)}, test celebs-24 {cTest.Count} / {Ids(cTest)}");

        var graph = OnnxFile.Load(stockOnnx);
        using var net = new OnnxNet(graph);
        _equivalence = MaxDifference(net, stockOnnx, [.. saTest.Take(16).Concat(cTest.Take(16)).Select(f => f.Rgba)]);
        log.WriteLine($"TorchSharp vs ONNX Runtime, stock graph, 32 test crops: max abs difference {_equivalence:E1}");
        var trainer = new Trainer(net, options) { OnEpoch = onEpoch, OnStep = onStep, Monitor = saTest };
        var result = trainer.Train(train, validation);
        var info = TrainedModel.Write(outDir, graph, result.BestWeights, Ids(train), result.BestEpoch);
        var trainedOnnx = Path.Combine(outDir, TrainedModel.EmbedderFile);

        // Evaluation on ONNX Runtime, stock vs trained, same crops.
        var lfwPairs = PairList.Read(Path.Combine(dataRoot, "lfw-gray", "pairs.csv"));
        var lfwImages = lfwPairs.SelectMany(p => new[] { p.A, p.B }).Distinct().Order(StringComparer.Ordinal)
            .Select(p => new LabelledImage(p, Path.GetFileName(Path.GetDirectoryName(p)!))).ToList();
        var (lfwFaces, lfwFailed) = Align("lfw-gray", lfwImages);
        log.WriteLine($"lfw-gray: {lfwFaces.Count} faces, {lfwFailed.Count} images without a face (scored -1, as in 'lookalike eval')");
        _lfwNoFace = lfwFailed.Count;
        var populations = new List<Population>();
        Population Verify(string name, List<AlignedFace> faces, IReadOnlyList<ImagePair> pairs)
        {
            var before = Score(stockOnnx, faces, pairs);
            var after = Score(trainedOnnx, faces, pairs);
            var p = new Population(name, VerificationEval.Evaluate(before), VerificationEval.Evaluate(after));
            populations.Add(p);
            return p;
        }
        Verify("south-asian-celebs, unseen identities", saTest, PersonFolders.Pairs(Labels(saTest)));
        Verify("celebs-24, unseen identities", cTest, PersonFolders.Pairs(Labels(cTest)));
        Verify("lfw-gray pairs.csv (View 2 fold 1)", lfwFaces, lfwPairs);
        Verify("south-asian-celebs, training identities (optimistic)", saTrain, PersonFolders.Pairs(Labels(saTrain)));

        // Rank-1 on the unseen identities: even-numbered photos of each identity form the gallery, the others are queries.
        var unseen = saTest.Concat(cTest).ToList();
        var gallery = unseen.GroupBy(f => f.Identity).SelectMany(g => g.Where((_, i) => i % 2 == 0)).ToList();
        var queries = unseen.Except(gallery).ToList();
        var rankBefore = Identification.Evaluate(Labels(gallery), Labels(queries), Embeddings(stockOnnx, unseen));
        var rankAfter = Identification.Evaluate(Labels(gallery), Labels(queries), Embeddings(trainedOnnx, unseen));
        _monitorBaseline = trainer.MonitorBaseline;
        return Markdown(options, result, info, train, validation, saTest, cTest, populations, rankBefore, rankAfter, clock.Elapsed);
    }

    /// <summary>Folder where aligned crops are kept between runs (optional; they depend only on the photos and the stock pipeline).</summary>
    public string? CropCache { get; init; }

    private List<AlignedFace> Faces(string set)
    {
        var images = PersonFolders.Read(Path.Combine(dataRoot, set, "images"));
        var (faces, failed) = Align(set, images);
        log.WriteLine($"{set}: {faces.Count} faces from {images.Count} images ({failed.Count} without a face, left out)");
        _noFace = (_noFace.Length > 0 ? _noFace + ", " : "") + $"{set} {failed.Count} of {images.Count}";
        return faces;
    }

    private (List<AlignedFace> Faces, List<string> Failed) Align(string set, List<LabelledImage> images)
    {
        var file = CropCache is null ? null : Path.Combine(CropCache, set + ".crops");
        if (file is not null && File.Exists(file))
        {
            using var reader = new BinaryReader(File.OpenRead(file));
            var faces = new List<AlignedFace>();
            var count = reader.ReadInt32();
            for (var i = 0; i < count; i++) faces.Add(new AlignedFace(reader.ReadString(), reader.ReadString(), reader.ReadBytes(reader.ReadInt32())));
            var failed = new List<string>();
            count = reader.ReadInt32();
            for (var i = 0; i < count; i++) failed.Add(reader.ReadString());
            if (faces.Count + failed.Count == images.Count) return (faces, failed);
        }
        var result = FaceData.Align(pipeline, images);
        if (file is not null)
        {
            Directory.CreateDirectory(CropCache!);
            using var writer = new BinaryWriter(File.Create(file));
            writer.Write(result.Faces.Count);
            foreach (var f in result.Faces) { writer.Write(f.Path); writer.Write(f.Identity); writer.Write(f.Rgba.Length); writer.Write(f.Rgba); }
            writer.Write(result.Failed.Count);
            foreach (var f in result.Failed) writer.Write(f);
        }
        return result;
    }

    private (List<AlignedFace> Train, List<AlignedFace> Test) SplitTest(List<AlignedFace> faces, int testIds)
    {
        var random = new Random(Seed);
        var test = faces.Select(f => f.Identity).Distinct().Order(StringComparer.Ordinal).OrderBy(_ => random.Next()).Take(testIds).ToHashSet();
        return ([.. faces.Where(f => !test.Contains(f.Identity))], [.. faces.Where(f => test.Contains(f.Identity))]);
    }

    private static int Ids(IEnumerable<AlignedFace> faces) => faces.Select(f => f.Identity).Distinct().Count();
    private static List<LabelledImage> Labels(IEnumerable<AlignedFace> faces) => [.. faces.Select(f => new LabelledImage(f.Path, f.Identity))];

    private static ImageEmbeddings Embeddings(string onnx, IReadOnlyList<AlignedFace> faces)
    {
        var e = FaceData.EmbedOnnx(onnx, [.. faces.Select(f => f.Rgba)]);
        return new ImageEmbeddings(faces.Select((f, i) => (f.Path, E: e[i])).ToDictionary(x => x.Path, x => (float[]?)x.E));
    }

    private static List<ScoredPair> Score(string onnx, IReadOnlyList<AlignedFace> faces, IReadOnlyList<ImagePair> pairs) => Embeddings(onnx, faces).Score(pairs);

    /// <summary>A change with its sign, rounded to 4 decimals ("+0.0000" for a change that rounds to zero).</summary>
    private static string Signed(double v)
    {
        if (double.IsNaN(v)) return "n/a";
        v = Math.Round(v, 4);
        return (v >= 0 ? "+" : "-") + Math.Abs(v).ToString("0.0000", CultureInfo.InvariantCulture);
    }

    private static string F(double v, string format = "F3") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);
    private static string Tar(VerificationResult r, double far) => r.TarAtFar.TryGetValue(far, out var t) && t is { } v ? F(v) : "n/a";

    private string Markdown(TrainOptions o, TrainResult result, ModelInfo info, List<AlignedFace> train, List<AlignedFace> validation,
        List<AlignedFace> saTest, List<AlignedFace> cTest, List<Population> populations, IdentificationResult rankBefore,
        IdentificationResult rankAfter, TimeSpan elapsed)
    {
        var s = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        s.AppendLine("# Fine-tuning the embedder: measured experiment");
        s.AppendLine();
        s.AppendLine("Written by `lookalike train --experiment` (src/Lookalike.Training/Experiment.cs); run it again to refresh these numbers.");
        s.AppendLine($"Run on {DateTime.UtcNow:yyyy-MM-dd} on this project's 2-core CPU machine (shared with other jobs, so times are rough), {elapsed.TotalMinutes:F1} min in all{(CropCache is null ? "" : " (aligned crops read from the cache of an earlier run; aligning the 1,762 photos adds about 1.5 min)")}.");
        s.AppendLine();
        s.AppendLine("## Setup");
        s.AppendLine();
        s.AppendLine($"- Identities are split, never images. Test (never trained on, never used for early stopping): {Ids(saTest)} south-asian-celebs identities ({saTest.Count} faces) and {Ids(cTest)} celebs-24 identities ({cTest.Count} faces), chosen with seed {Seed}.");
        s.AppendLine($"- Training: the other identities of both sets, {Ids(train)} identities / {train.Count} faces; validation for early stopping: {Ids(validation)} more of them held apart ({validation.Count} faces), scored by verification AUC on their pairs after each epoch.");
        s.AppendLine($"- The stock graph in TorchSharp matches ONNX Runtime: max abs difference {_equivalence.ToString("E1", inv)} on the raw 512-d output of 32 test crops (the tests require < 1e-4).");
        s.AppendLine($"- ArcFace loss (scale {o.Scale}, margin {o.Margin} rad), head initialised at each identity's mean embedding; Adam, lr {o.LearningRate} for the embedder and {o.HeadLearningRate} for the head; batch {o.BatchSize}; layers up to `{o.FreezeUntil}` frozen ({result.TrainableParameters:N0} of 1,190,336 weights trained); up to {o.Epochs} epochs, patience {o.Patience}.");
        s.AppendLine("- Augmentation on the aligned 112x112 crops: flip, ±8° rotation, ±6 % scale, ±4 px shift, brightness/contrast/saturation jitter, blur on a quarter of the crops.");
        s.AppendLine($"- Every photo goes through the stock pipeline once (detect, landmarks, align); both embedders then run on ONNX Runtime on those same crops, so the comparison isolates the embedder. Photos without a face are left out of the two sets' folders ({_noFace}); in lfw-gray they would be scored -1 ({_lfwNoFace} of them).");
        s.AppendLine($"- Test identities: {string.Join(", ", saTest.Select(f => f.Identity).Distinct())} (south-asian-celebs); {string.Join(", ", cTest.Select(f => f.Identity).Distinct())} (celebs-24).");
        s.AppendLine($"- Trained model: `{info.Id}` ({info.Identities} identities, best epoch {info.Epochs}).");
        s.AppendLine();
        s.AppendLine("## Training");
        s.AppendLine();
        s.AppendLine("The last column is for this report only (TorchSharp embeddings of the unseen south-asian-celebs test faces): it was not used to choose the epoch.");
        s.AppendLine();
        s.AppendLine("| epoch | train loss | validation AUC | seconds | images/s | test AUC, unseen south-asian (not used) |");
        s.AppendLine("| --- | --- | --- | --- | --- | --- |");
        s.AppendLine($"| 0 (stock) | | {F(result.BaselineAuc, "F4")} | | | {F(_monitorBaseline, "F4")} |");
        foreach (var e in result.Epochs)
            s.AppendLine($"| {e.Epoch}{(e.Epoch == result.BestEpoch ? " (kept)" : "")} | {F(e.TrainLoss)} | {F(e.ValidationAuc, "F4")} | {e.Seconds.ToString("F0", inv)} | {(e.Images / e.Seconds).ToString("F1", inv)} | {F(e.MonitorAuc, "F4")} |");
        var perEpoch = result.Epochs.Count == 0 ? double.NaN : result.Epochs.Average(e => e.Seconds);
        s.AppendLine();
        s.AppendLine($"Training time: {F(perEpoch, "F0")} s per epoch on average (forward + backward + update of {result.Epochs.FirstOrDefault()?.Images ?? 0} augmented crops, plus the validation pass), 2 libtorch threads. The kept epoch is the trained epoch with the best validation AUC; training stops after {o.Patience} epochs without a better one.");
        s.AppendLine();
        s.AppendLine("## Results (stock → trained)");
        s.AppendLine();
        s.AppendLine("| population | pairs (same/diff) | AUC | AUC change (95 % paired bootstrap) | TAR@FAR=1e-2 | TAR@FAR=1e-1 | EER |");
        s.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
        foreach (var p in populations)
            s.AppendLine($"| {p.Name} | {p.Before.Same}/{p.Before.Different} | {F(p.Before.Auc, "F4")} → {F(p.After.Auc, "F4")} | {Signed(p.After.Auc - p.Before.Auc)} ({Signed(p.AucChange.Low)} to {Signed(p.AucChange.High)}) | {Tar(p.Before, 1e-2)} → {Tar(p.After, 1e-2)} | {Tar(p.Before, 1e-1)} → {Tar(p.After, 1e-1)} | {F(p.Before.Eer)} → {F(p.After.Eer)} |");
        s.AppendLine();
        s.AppendLine($"Rank-1 identification on the {rankBefore.GalleryIdentities} unseen identities (even-numbered photos as the gallery, the other {rankBefore.Queries} as queries; 'lookalike match' scoring): {F(rankBefore.Rank1)} → {F(rankAfter.Rank1)}; rank-5 {F(rankBefore.Rank5)} → {F(rankAfter.Rank5)}.");
        s.AppendLine();
        var lfw = populations.First(p => p.Name.StartsWith("lfw", StringComparison.Ordinal));
        var target = populations[0];
        var gain = target.After.Auc - target.Before.Auc;
        var lfwDrop = lfw.Before.Auc - lfw.After.Auc;
        s.AppendLine("## Verdict");
        s.AppendLine();
        var ci = target.AucChange;
        s.AppendLine($"- Goal 1, a gain on the trained population (unseen south-asian-celebs identities): AUC {(gain > 0 ? "rose" : "did not rise")}, {Signed(gain)}; " +
                     $"the paired bootstrap puts the change between {Signed(ci.Low)} and {Signed(ci.High)} ({(ci.Low > 0 ? "above zero: a real gain on these pairs" : ci.High < 0 ? "below zero: a loss" : "it includes zero: not shown to be a gain")}). " +
                     "The interval resamples pairs of only " + Ids(saTest) + " people, so it says how stable the number is for these people, not for the population.");
        s.AppendLine($"- Goal 2, LFW AUC within 0.005 of the stock model: {(lfwDrop <= 0.005 ? "met" : "NOT met")} ({F(lfw.Before.Auc, "F4")} → {F(lfw.After.Auc, "F4")}, {Signed(-lfwDrop)}).");
        var other = populations[1];
        s.AppendLine($"- The other population pays a little: unseen celebs-24 identities {F(other.Before.Auc, "F4")} → {F(other.After.Auc, "F4")} ({Signed(other.After.Auc - other.Before.Auc)}, paired interval {Signed(other.AucChange.Low)} to {Signed(other.AucChange.High)}). Rank-1 on the unseen identities is saturated with so few of them, so it cannot show a change.");
        s.AppendLine("- Caveats: few identities (the test populations have 3 and 8 people); the bootstrap resamples pairs, not people, so the intervals are narrower than a new draw of people would justify. The validation identities (early stopping) come from the same two sets as the training ones, and their AUC is near its ceiling, so the choice of epoch is coarse. The trained model's embedding norms differ from the stock ones, which could move the pipeline's lenient face check (norm ≥ 2) on hard photos; this comparison on fixed crops does not measure that.");
        return s.ToString();
    }
}
