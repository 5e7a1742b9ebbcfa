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

    /// <summary>The second embedder of a score-level fusion (<see cref="FusedModel"/>, e.g. <c>stock+dlib</c>); null for a single model.</summary>
    public EmbedderChoice? Second { get; init; }

    /// <summary>The fusion this choice runs, with its weight; null for a single model.</summary>
    public FusedModel? Fusion { get; init; }

    /// <summary>The stock embedder's name (<see cref="ModelSpec.Stock"/>).</summary>
    public const string Stock = ModelSpec.Stock;

    /// <summary>The id stored with embeddings: the model's id, plus "+flip" with flip-TTA.</summary>
    public string Id => Flip ? BaseId + "+flip" : BaseId;

    /// <summary>
    /// Resolves a model name read by <see cref="ModelSpec.Parse"/>: <c>stock</c> (or empty), <c>stock-int8</c> (its int8
    /// copy, quantised locally on first use), a folder with model.json,
    /// or the name of such a folder under <c>&lt;models folder&gt;/custom/</c>; a <c>+flip</c> suffix turns on flip-TTA
    /// (<c>stock+flip</c>). A detector or alignment in the name is the pipeline's (<see cref="Faces.PipelineOptions"/>), not the embedder's.
    /// </summary>
    /// <exception cref="FormatException">An unknown detector or alignment in the name.</exception>
    /// <exception cref="ModelFetchException">No such model, or a model.json that does not describe one.</exception>
    public static EmbedderChoice Resolve(ModelStore store, string? name) => Resolve(store, ModelSpec.Parse(name));

    /// <summary>Resolves the embedder of <paramref name="spec"/> (its name and flip-TTA).</summary>
    /// <param name="store">The model cache.</param>
    /// <param name="spec">The model combination.</param>
    /// <param name="log">Told when a fusion's converted half is fetched and converted (once, on first use); null: silent.</param>
    /// <exception cref="ModelFetchException">No such model, or a model.json that does not describe one.</exception>
    public static EmbedderChoice Resolve(ModelStore store, ModelSpec spec, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(spec);
        var name = spec.EmbedderName;
        if (FusedModel.Find(spec.Embedder) is { } fusion)
        {
            // The default fusion's converted half is made on first use, as the int8 model is.
            if (TfjsEmbedder.Find(fusion.Second) is { } converted && !converted.IsInstalled(store))
            {
                log?.Invoke($"{converted.Name} (half of the {fusion.Name} model) not found in {store.Directory}: fetching and converting it once");
                converted.Install(store, log is null ? null : m => log("  " + m));
            }
            var first = Resolve(store, new ModelSpec(fusion.First, spec.Flip));
            var second = Resolve(store, new ModelSpec(fusion.Second, spec.Flip));
            var id = fusion.IdOf(first.BaseId, second.BaseId);
            return first with { Name = name, BaseId = id, Second = second, Fusion = fusion, Calibration = fusion.CalibrationFor(first.Flip ? id + "+flip" : id) };
        }
        if (spec.IsStock)
            return new EmbedderChoice(name, store.PathOf(ModelStore.Faceplugin.Files[2]), Faces.FaceEmbedder.Id, spec.Flip);
        if (spec.IsStockInt8)
            return new EmbedderChoice(name, StockInt8.Ensure(store), StockInt8.Id, spec.Flip);
        var dir = spec.FindFolder(store.Directory)
            ?? throw new ModelFetchException($"no model '{spec.Embedder}': expected 'stock', a folder with model.json (from 'lookalike train'), " +
                                             $"or a folder of that name in {System.IO.Path.Combine(store.Directory, "custom")}; installed: {string.Join(", ", Installed(store).Prepend(StockInt8.Name).Prepend(Stock))}");
        var manifest = System.IO.Path.Combine(dir, "model.json");
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(manifest));
            var id = json.RootElement.GetProperty("id").GetString();
            var file = json.RootElement.TryGetProperty("embedder", out var e) ? e.GetString() : "embedder.onnx";
            var path = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir, file ?? "embedder.onnx"));
            if (string.IsNullOrEmpty(id) || !File.Exists(path)) throw new ModelFetchException($"{manifest}: needs an 'id' and an existing 'embedder' file");
            var input = json.RootElement.TryGetProperty("input", out var i) ? Faces.EmbedderInput.FromJson(i) : null;
            var calibration = System.IO.Path.Combine(dir, "calibration.json");
            return new EmbedderChoice(name, path, id, spec.Flip, input) { Calibration = File.Exists(calibration) ? Calibration.Load(calibration) : Calibration.Default };
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
