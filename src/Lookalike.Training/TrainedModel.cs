using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Lookalike.Faces;
using Lookalike.Models;
using Lookalike.Training.Onnx;

namespace Lookalike.Training;

/// <summary>OUT/model.json: what a trained model folder holds (the contract with `--model` in the other commands).</summary>
public sealed record ModelInfo(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("base")] string Base,
    [property: JsonPropertyName("embedder")] string Embedder,
    [property: JsonPropertyName("identities")] int Identities,
    [property: JsonPropertyName("epochs")] int Epochs,
    [property: JsonPropertyName("trained_at")] string TrainedAt);

/// <summary>
/// A trained model folder: OUT/embedder.onnx (the stock graph with the trained initializers written in place, so input,
/// output and preprocessing are the stock ones) and OUT/model.json with id "&lt;folder name&gt;-&lt;first 8 hex of the onnx
/// file's SHA-256&gt;".
/// </summary>
public static class TrainedModel
{
    public const string EmbedderFile = "embedder.onnx";
    public const string InfoFile = "model.json";

    public static ModelInfo Write(string outDir, OnnxFile graph, IReadOnlyDictionary<string, float[]> weights, int identities, int epochs)
    {
        var dir = Path.GetFullPath(outDir).TrimEnd('/');
        Directory.CreateDirectory(dir);
        var onnx = Path.Combine(dir, EmbedderFile);
        var bytes = graph.WithWeights(weights);
        File.WriteAllBytes(onnx, bytes);
        var sha = Convert.ToHexStringLower(SHA256.HashData(bytes));
        var info = new ModelInfo($"{Path.GetFileName(dir)}-{sha[..8]}", FaceEmbedder.Id, EmbedderFile, identities, epochs,
            DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'"));
        File.WriteAllText(Path.Combine(dir, InfoFile), JsonSerializer.Serialize(info, new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return info;
    }

    /// <summary>
    /// Fits the model's own percentage (Platt, as `lookalike calibrate`) on all pairs of the held-apart validation
    /// faces, embedded by the exported ONNX file, and writes OUT/calibration.json, which every command then uses for
    /// this model. Null (nothing written) without at least two validation identities. The validation identities also
    /// chose the epoch, so check it on your own pairs with `lookalike eval --model OUT`.
    /// </summary>
    public static Calibration? Calibrate(string outDir, ModelInfo info, IReadOnlyList<AlignedFace> validation)
    {
        if (validation.Select(f => f.Identity).Distinct().Count() < 2) return null;
        var embeddings = FaceData.EmbedOnnx(Path.Combine(outDir, info.Embedder), [.. validation.Select(f => f.Rgba)]);
        var map = validation.Select((f, i) => (f.Path, E: embeddings[i])).ToDictionary(x => x.Path, x => (float[]?)x.E);
        var pairs = Evaluation.PersonFolders.Pairs([.. validation.Select(f => new Evaluation.LabelledImage(f.Path, f.Identity))]);
        var calibration = Calibration.Fit(new Evaluation.ImageEmbeddings(map).Score(pairs), info.Id,
            $"lookalike train validation identities ({pairs.Count} pairs)");
        calibration.Save(Path.Combine(outDir, "calibration.json"));
        return calibration;
    }

    public static ModelInfo ReadInfo(string dir) =>
        JsonSerializer.Deserialize<ModelInfo>(File.ReadAllText(Path.Combine(dir, InfoFile)))
        ?? throw new FormatException($"{Path.Combine(dir, InfoFile)} is empty");

    /// <summary>
    /// The embedder ONNX file for a --model value, read by <see cref="ModelSpec.Parse"/> like every other command's:
    /// empty (here the stock embedder: the default fusion is two graphs), <c>stock</c>, <c>faceplugin</c> or the stock
    /// id; a folder written by 'lookalike train'; the name of such a
    /// folder under &lt;models folder&gt;/custom/; or an .onnx file. A <c>+flip</c> suffix (flip test-time augmentation
    /// elsewhere) is dropped: training and Grad-CAM work on the single graph, with the stock detector and alignment.
    /// </summary>
    public static (string Path, string Id) Resolve(string? model, ModelStore store)
    {
        var spec = ModelSpec.Parse(model, defaultEmbedder: ModelSpec.Stock);
        if (FusedModel.Find(spec.Embedder) is { } fusion)
            throw new ArgumentException($"{fusion.Name} fuses two embedders; training and Grad-CAM work on one graph: give --model {fusion.First} (the default here)");
        if (spec.Detector is { } detector && detector != DetectorChoice.UltraFace)
            throw new ArgumentException($"{spec}: training and Grad-CAM use the stock detector (ultraface)");
        if (spec.Alignment is { } alignment && alignment != Alignment.Similarity)
            throw new ArgumentException($"{spec}: training and Grad-CAM use the stock alignment (similarity)");
        var name = spec.Embedder;
        if (spec.IsStock)
        {
            var stock = ModelStore.Faceplugin.Files.First(f => f.Name == "fr_feature.onnx");
            store.Ensure(ModelStore.Faceplugin);
            return (store.PathOf(stock), FaceEmbedder.Id);
        }
        if (spec.FindFolder(store.Directory) is { } dir)
        {
            var info = ReadInfo(dir);
            return (Path.GetFullPath(Path.Combine(dir, info.Embedder)), info.Id);
        }
        if (File.Exists(name) && name.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase))
            return (Path.GetFullPath(name), Path.GetFileNameWithoutExtension(name));
        throw new FileNotFoundException($"model not found: {name} (give 'stock', a folder written by 'lookalike train', its name under " +
                                        $"{Path.Combine(store.Directory, "custom")}, or an .onnx file)");
    }
}
