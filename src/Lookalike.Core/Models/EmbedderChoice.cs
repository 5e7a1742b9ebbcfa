using System.Text.Json;

namespace Lookalike.Models;

/// <summary>
/// Which embedder a pipeline runs, and how: the stock faceplugin model, or a fine-tuned copy of it (a folder
/// written by <c>lookalike train</c>: <c>model.json</c> + <c>embedder.onnx</c>, same input and output), optionally
/// with flip test-time augmentation. The id is stored beside every embedding, so galleries and calibrations made
/// with one choice are never mixed with another's.
/// </summary>
/// <param name="Name">What the user typed (<c>stock</c>, a folder or a name under the models folder), for messages.</param>
/// <param name="Path">The ONNX file.</param>
/// <param name="BaseId">The model's own id (<see cref="Faces.FaceEmbedder.Id"/> for the stock one).</param>
/// <param name="Flip">Average with the embedding of the mirrored face (flip-TTA).</param>
/// <param name="Input">The model's own input description (model.json "input", e.g. a converted TFJS model); null: the stock one's.</param>
public sealed record EmbedderChoice(string Name, string Path, string BaseId, bool Flip, Faces.EmbedderInput? Input = null)
{
    /// <summary>
    /// The percentage's calibration for this model: the folder's calibration.json (`lookalike calibrate --model NAME
    /// --out FOLDER/calibration.json`) when there is one, else the stock model's (flip-TTA moves cosines by a few
    /// thousandths: docs/accuracy.md "Models compared"), which <see cref="Lookalike.Calibration.ModelId"/> then names.
    /// </summary>
    public Calibration Calibration { get; init; } = Calibration.Default;

    public const string Stock = "stock";

    /// <summary>The id stored with embeddings: the model's id, plus "+flip" with flip-TTA.</summary>
    public string Id => Flip ? BaseId + "+flip" : BaseId;

    /// <summary>
    /// Resolves a model name: <c>stock</c> (or empty), a folder with model.json, or the name of such a folder under
    /// <c>&lt;models folder&gt;/custom/</c>; a <c>+flip</c> suffix turns on flip-TTA (<c>stock+flip</c>).
    /// </summary>
    public static EmbedderChoice Resolve(ModelStore store, string? name)
    {
        name = string.IsNullOrWhiteSpace(name) ? Stock : name.Trim();
        var flip = name.EndsWith("+flip", StringComparison.OrdinalIgnoreCase);
        var bare = flip ? name[..^"+flip".Length] : name;
        if (bare is Stock or "faceplugin" or Faces.FaceEmbedder.Id)
            return new EmbedderChoice(name, store.PathOf(ModelStore.Faceplugin.Files[2]), Faces.FaceEmbedder.Id, flip);
        var dir = Directory.Exists(bare) ? bare : System.IO.Path.Combine(store.Directory, "custom", bare);
        var manifest = System.IO.Path.Combine(dir, "model.json");
        if (!File.Exists(manifest))
            throw new ModelFetchException($"no model '{bare}': expected 'stock', a folder with model.json (from 'lookalike train'), " +
                                          $"or a folder of that name in {System.IO.Path.Combine(store.Directory, "custom")}; installed: {string.Join(", ", Installed(store).Prepend(Stock))}");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
            var id = json.RootElement.GetProperty("id").GetString();
            var file = json.RootElement.TryGetProperty("embedder", out var e) ? e.GetString() : "embedder.onnx";
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, file ?? "embedder.onnx"));
            if (string.IsNullOrEmpty(id) || !File.Exists(path)) throw new ModelFetchException($"{manifest}: needs an 'id' and an existing 'embedder' file");
            var input = json.RootElement.TryGetProperty("input", out var i) ? Faces.EmbedderInput.FromJson(i) : null;
            var calibration = System.IO.Path.Combine(dir, "calibration.json");
            return new EmbedderChoice(name, path, id, flip, input) { Calibration = File.Exists(calibration) ? Calibration.Load(calibration) : Calibration.Default };
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException or FormatException or IndexOutOfRangeException)
        {
            throw new ModelFetchException($"{manifest} is not a model description: {ex.Message}", ex);
        }
    }

    /// <summary>Names of the fine-tuned models installed under the models folder's custom/.</summary>
    public static IEnumerable<string> Installed(ModelStore store)
    {
        var custom = System.IO.Path.Combine(store.Directory, "custom");
        return Directory.Exists(custom)
            ? Directory.EnumerateDirectories(custom).Where(d => File.Exists(System.IO.Path.Combine(d, "model.json"))).Select(System.IO.Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)
            : [];
    }
}
