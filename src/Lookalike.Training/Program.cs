using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Lookalike.Cli;
using Lookalike.Evaluation;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;
using Lookalike.Pictures;
using Lookalike.Training;
using Lookalike.Training.Onnx;
using SkiaSharp;
using Spectre.Console;

// lookalike-train: the TorchSharp half of the `lookalike` CLI (`lookalike train` and `lookalike explain --method gradcam`
// forward here), kept in its own executable so that the main CLI, the library and the web app never load libtorch.
var modelsDir = new Option<string?>("--models-dir") { Description = "Model cache folder (default: $LOOKALIKE_MODELS or ~/.cache/lookalike/models)", Recursive = true };
var threads = new Option<int>("--threads") { Description = "Threads (libtorch and ONNX Runtime)", DefaultValueFactory = _ => 2, Recursive = true };
var json = new Option<bool>("--json") { Description = "Print one JSON object for scripts", Recursive = true };
var model = new Option<string?>("--model") { Description = "Embedder: a folder written by 'lookalike train' or an .onnx file (default: the stock model)", Recursive = true };
// Accepted so that a forwarded `lookalike ... --detector ultraface` parses; the crops always come from the stock detector.
var detector = new Option<string?>("--detector") { Description = "Face detector: only ultraface (the stock one) here", Recursive = true };
detector.AcceptOnlyFromAmong("ultraface");
var root = new RootCommand("lookalike-train: fine-tune the face embedder (ArcFace, TorchSharp on the CPU) and Grad-CAM explanations")
{
    modelsDir, threads, json, model, detector,
};
root.Subcommands.Add(TrainCommand());
root.Subcommands.Add(ExplainCommand());
return root.Parse(args).Invoke();

Command TrainCommand()
{
    var identities = new Option<DirectoryInfo?>("--identities") { Description = "Folder with one sub-folder of photos per person (DIR/<identity>/<photo>)" };
    var epochs = new Option<int>("--epochs") { Description = "Most epochs (training stops earlier when validation AUC stops improving)", DefaultValueFactory = _ => 8 };
    var freeze = new Option<string>("--freeze-until") { Description = "Keep the weights of the graph up to this node fixed: a node name (Add_32) or a count of Conv layers (0 = train all)", DefaultValueFactory = _ => "Add_32" };
    var output = new Option<DirectoryInfo?>("--out") { Description = "Model folder to write (embedder.onnx + model.json)" };
    var batch = new Option<int>("--batch-size") { Description = "Faces per step (16 keeps memory reuse efficient)", DefaultValueFactory = _ => 16 };
    var lr = new Option<double>("--lr") { Description = "Adam learning rate of the embedder (the ArcFace head uses 100x)", DefaultValueFactory = _ => 1e-5 };
    var headLr = new Option<double?>("--head-lr") { Description = "Adam learning rate of the ArcFace head (default: 100x --lr)" };
    var margin = new Option<double>("--margin") { Description = "ArcFace additive angular margin (radians)", DefaultValueFactory = _ => 0.3 };
    var validation = new Option<double>("--validation") { Description = "Fraction of identities held apart for validation (at least 2 when there are 4 or more)", DefaultValueFactory = _ => 0.2 };
    var patience = new Option<int>("--patience") { Description = "Epochs without a better validation AUC before stopping", DefaultValueFactory = _ => 3 };
    var seed = new Option<int>("--seed") { Description = "Seed for the split, the order and the augmentation", DefaultValueFactory = _ => 1 };
    var noAugment = new Option<bool>("--no-augment") { Description = "Train on the crops as they are" };
    var experiment = new Option<bool>("--experiment") { Description = "Run the measured experiment on /work/shared/data-style sets and write a report (see --report, --data)" };
    var data = new Option<DirectoryInfo?>("--data") { Description = "Shared data folder for --experiment (default: $LOOKALIKE_DATA or shared/data beside the repository)" };
    var report = new Option<FileInfo>("--report") { Description = "Markdown report written by --experiment", DefaultValueFactory = _ => new FileInfo("docs/training.md") };
    var cmd = new Command("train", "Fine-tune the embedder on your own identities (ArcFace loss, CPU) and write a model folder")
    {
        identities, epochs, freeze, output, batch, lr, headLr, margin, validation, patience, seed, noAugment, experiment, data, report,
    };
    cmd.SetAction(parse => Run(parse, () =>
    {
        TorchSetup.Init(parse.GetValue(threads));
        var store = new ModelStore(parse.GetValue(modelsDir));
        var (onnx, baseId) = TrainedModel.Resolve(parse.GetValue(model), store);
        var options = new TrainOptions
        {
            Epochs = Math.Max(1, parse.GetValue(epochs)),
            FreezeUntil = parse.GetValue(freeze),
            BatchSize = Math.Max(2, parse.GetValue(batch)),
            LearningRate = parse.GetValue(lr),
            HeadLearningRate = parse.GetValue(headLr) ?? parse.GetValue(lr) * 100,
            Margin = parse.GetValue(margin),
            Patience = Math.Max(1, parse.GetValue(patience)),
            Seed = parse.GetValue(seed),
            Augment = !parse.GetValue(noAugment),
        };
        using var pipeline = new FacePipeline(store, new PipelineOptions { Threads = 1 });
        var outDir = parse.GetValue(output)?.FullName;
        if (parse.GetValue(experiment))
        {
            var dataRoot = parse.GetValue(data)?.FullName ?? SharedData.Find() ?? throw new CliException("shared data not found: give --data DIR or set LOOKALIKE_DATA");
            outDir ??= Path.Combine(Path.GetTempPath(), "lookalike-experiment-model");
            var md = Progress(options, (onEpoch, onStep) =>
                new Experiment(pipeline, dataRoot, onnx, Console.Error) { CropCache = Environment.GetEnvironmentVariable("LOOKALIKE_CROP_CACHE") }.Run(options, outDir, onEpoch, onStep));
            var path = parse.GetValue(report)!.FullName;
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, md);
            Console.WriteLine($"wrote {path} (model in {outDir})");
            return 0;
        }
        var dir = parse.GetValue(identities) ?? throw new CliException("give --identities DIR (one sub-folder of photos per person)");
        if (!dir.Exists) throw new CliException($"folder not found: {dir.FullName}");
        if (outDir is null) throw new CliException("give --out DIR for the trained model");
        var images = PersonFolders.Read(dir.FullName);
        Console.Error.WriteLine($"aligning {images.Count} photos of {images.Select(i => i.Identity).Distinct().Count()} identities …");
        var (faces, failed) = FaceData.Align(pipeline, images, workers: Math.Max(1, parse.GetValue(threads)));
        foreach (var f in failed.Take(10)) Console.Error.WriteLine($"  no face: {f}");
        if (failed.Count > 10) Console.Error.WriteLine($"  … {failed.Count - 10} more without a face");
        var (train, val) = Trainer.SplitIdentities(faces, parse.GetValue(validation), options.Seed);
        if (train.Select(f => f.Identity).Distinct().Count() < 2) throw new CliException("training needs at least two identities with faces");
        Console.Error.WriteLine($"training on {train.Count} faces of {train.Select(f => f.Identity).Distinct().Count()} identities; " +
                                (val.Count > 0 ? $"validation: {val.Count} faces of {val.Select(f => f.Identity).Distinct().Count()} held-apart identities"
                                               : "no validation (fewer than 4 identities): all epochs run, the last is kept"));
        var graph = OnnxFile.Load(onnx);
        using var net = new OnnxNet(graph);
        var result = Progress(options, (onEpoch, onStep) => new Trainer(net, options) { OnEpoch = onEpoch, OnStep = onStep }.Train(train, val));
        var info = TrainedModel.Write(outDir, graph, result.BestWeights, train.Select(f => f.Identity).Distinct().Count(), result.BestEpoch);
        var calibration = TrainedModel.Calibrate(outDir, info, val);
        if (calibration is not null) Console.Error.WriteLine($"calibrated the percentage on the validation identities: {calibration}");
        if (parse.GetValue(json))
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                model = info, @out = outDir, @base = baseId, baseline_auc = Round(result.BaselineAuc), best_epoch = result.BestEpoch,
                epochs = result.Epochs.Select(e => new { epoch = e.Epoch, loss = Round(e.TrainLoss), validation_auc = Round(e.ValidationAuc), seconds = Math.Round(e.Seconds, 1) }),
            }));
        else
            Console.WriteLine($"wrote {outDir}: model {info.Id}, epoch {result.BestEpoch} kept " + (double.IsNaN(result.BaselineAuc)
                ? "(no validation identities)"
                : $"(validation AUC {F(result.BaselineAuc, "F4")} stock → {F(result.Epochs.First(e => e.Epoch == result.BestEpoch).ValidationAuc, "F4")})"));
        return 0;
    }));
    return cmd;
}

Command ExplainCommand()
{
    var a = new Argument<FileInfo>("a") { Description = "Photo (its largest face)" };
    var b = new Argument<FileInfo>("b") { Description = "Second photo" };
    var method = new Option<string>("--method") { Description = "gradcam: Grad-CAM beside the occlusion map; occlusion: occlusion only", DefaultValueFactory = _ => "gradcam" };
    method.AcceptOnlyFromAmong("gradcam", "occlusion");
    var layer = new Option<string?>("--layer") { Description = "Graph tensor for Grad-CAM (default: the last 7x7 map)" };
    var output = new Option<FileInfo>("--out") { Description = "PNG to write", DefaultValueFactory = _ => new FileInfo("explain.png") };
    var cmd = new Command("explain", "Grad-CAM (cosine target) and occlusion heat-maps of two faces, side by side") { a, b, method, layer, output };
    cmd.SetAction(parse => Run(parse, () =>
    {
        TorchSetup.Init(parse.GetValue(threads));
        var store = new ModelStore(parse.GetValue(modelsDir));
        var (onnx, modelId) = TrainedModel.Resolve(parse.GetValue(model), store);
        using var pipeline = new FacePipeline(store, new PipelineOptions { Threads = Math.Max(1, parse.GetValue(threads)) });
        var started = DateTime.UtcNow;
        var pathA = parse.GetValue(a)!.FullName;
        var pathB = parse.GetValue(b)!.FullName;
        var result = Explainer.Explain(pipeline, onnx, pathA, pathB, parse.GetValue(method) == "gradcam", parse.GetValue(layer));
        var png = parse.GetValue(output)!;
        File.WriteAllBytes(png.FullName, result.Png);
        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        if (parse.GetValue(json))
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                similarity = Math.Round(result.Similarity, 4), method = parse.GetValue(method), model = modelId, output = png.FullName, seconds = Math.Round(seconds, 2),
                gradcam_layer = result.Layer,
            }));
        else
            Console.WriteLine($"similarity {result.Similarity:F3} ({modelId}); wrote {png.FullName} ({seconds:F2} s)");
        return 0;
    }));
    return cmd;
}

T Progress<T>(TrainOptions options, Func<Action<EpochReport>, Action<int, int, int, double>, T> run)
{
    var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
    return console.Progress().AutoClear(true)
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
        .Start(ctx =>
        {
            ProgressTask? task = null;
            return run(e =>
            {
                task?.StopTask();
                task = null;
                console.MarkupLine($"epoch {e.Epoch}/{options.Epochs}: loss {F(e.TrainLoss)}, validation AUC {F(e.ValidationAuc, "F4")}{(e.Best ? " [green](best)[/]" : "")}, {e.Seconds:F0} s ({e.Images / e.Seconds:F1} faces/s)");
            }, (epoch, done, total, loss) =>
            {
                task ??= ctx.AddTask($"epoch {epoch}", maxValue: total);
                task.Description = $"epoch {epoch}/{options.Epochs} loss {loss:F3}";
                task.Value = done;
            });
        });
}

// The error edge shared with the lookalike CLI (src/Shared/ErrorEdge.cs): exit 1, "lookalike: reason", {"error"} with --json.
int Run(ParseResult parse, Func<int> action) => ErrorEdge.Run(action, Console.Error, parse.GetValue(json) ? Console.Out : null);

static double? Round(double v) => double.IsNaN(v) ? null : Math.Round(v, 4);
static string F(double v, string format = "F3") => double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

namespace Lookalike.Training
{
    /// <summary>Grad-CAM and occlusion maps of two photos' largest faces, in one picture (Grad-CAM row above the occlusion row).</summary>
    public sealed record ExplainResult(float Similarity, SimilarityMap? GradCamA, SimilarityMap? GradCamB, SimilarityMap OcclusionA, SimilarityMap OcclusionB, string? Layer, byte[] Png);

    public static class Explainer
    {
        public static ExplainResult Explain(FacePipeline pipeline, string onnx, string pathA, string pathB, bool gradCam, string? layer = null)
        {
            using var imageA = ImageLoader.Load(pathA);
            using var imageB = ImageLoader.Load(pathB);
            var faceA = pipeline.Analyze(imageA).Largest ?? throw new IOException($"no face found in {pathA}");
            var faceB = pipeline.Analyze(imageB).Largest ?? throw new IOException($"no face found in {pathB}");
            using var alignedA = FaceAligner.Align(imageA, faceA.FivePoints);
            using var alignedB = FaceAligner.Align(imageB, faceB.FivePoints);
            // Embeddings by the chosen model (stock or trained) on ONNX Runtime, as the rest of the project computes them.
            using var embedder = new FaceEmbedder(onnx, 1);
            var ea = Normalised(embedder.Embed(alignedA));
            var eb = Normalised(embedder.Embed(alignedB));
            var similarity = Verification.Similarity(ea, eb);
            var occlusion = new OcclusionExplainer(embedder);
            var oa = occlusion.Explain(alignedA, eb);
            var ob = occlusion.Explain(alignedB, ea);
            var labelA = Path.GetFileName(pathA);
            var labelB = Path.GetFileName(pathB);
            var occlusionPng = ExplanationPicture.Render(alignedA, oa, labelA, alignedB, ob, labelB, similarity);
            if (!gradCam) return new ExplainResult(similarity, null, null, oa, ob, null, occlusionPng);
            using var net = new OnnxNet(OnnxFile.Load(onnx));
            var cam = new GradCam(net, layer);
            var ga = cam.Explain(alignedA.GetPixelSpan().ToArray(), eb);
            var gb = cam.Explain(alignedB.GetPixelSpan().ToArray(), ea);
            var gradPng = ExplanationPicture.Render(alignedA, ga, labelA, alignedB, gb, labelB, similarity);
            return new ExplainResult(similarity, ga, gb, oa, ob, cam.Layer, Stack(gradPng, occlusionPng));
        }

        private static float[] Normalised(float[] e)
        {
            var n = MathF.Sqrt(e.Sum(v => v * v));
            return [.. e.Select(v => v / Math.Max(n, 1e-12f))];
        }

        /// <summary>Two pictures one above the other.</summary>
        private static byte[] Stack(byte[] top, byte[] bottom)
        {
            using var a = SKBitmap.Decode(top);
            using var b = SKBitmap.Decode(bottom);
            using var bitmap = new SKBitmap(new SKImageInfo(Math.Max(a.Width, b.Width), a.Height + b.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
            using (var canvas = new SKCanvas(bitmap))
            {
                canvas.Clear(SKColors.White);
                using var imageA = SKImage.FromBitmap(a);
                using var imageB = SKImage.FromBitmap(b);
                canvas.DrawImage(imageA, 0, 0, new SKSamplingOptions(SKFilterMode.Nearest));
                canvas.DrawImage(imageB, 0, a.Height, new SKSamplingOptions(SKFilterMode.Nearest));
            }
            return ImageLoader.EncodePng(bitmap);
        }
    }
}
