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

    public static ModelInfo ReadInfo(string dir) =>
        JsonSerializer.Deserialize<ModelInfo>(File.ReadAllText(Path.Combine(dir, InfoFile)))
        ?? throw new FormatException($"{Path.Combine(dir, InfoFile)} is empty");

    /// <summary>The embedder ONNX file for a --model value: a trained model folder, an .onnx file, or null for the stock model.</summary>
    public static (string Path, string Id) Resolve(string? model, ModelStore store)
    {
        if (string.IsNullOrEmpty(model))
        {
            var stock = ModelStore.Faceplugin.Files.First(f => f.Name == "fr_feature.onnx");
            store.Ensure(ModelStore.Faceplugin);
            return (store.PathOf(stock), FaceEmbedder.Id);
        }
        if (Directory.Exists(model))
        {
            var info = ReadInfo(model);
            return (Path.Combine(model, info.Embedder), info.Id);
        }
        if (File.Exists(model)) return (Path.GetFullPath(model), Path.GetFileNameWithoutExtension(model));
        throw new FileNotFoundException($"model not found: {model} (give a folder written by 'lookalike train' or an .onnx file)");
    }
}
