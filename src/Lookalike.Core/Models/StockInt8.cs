using System.Text.Json;

namespace Lookalike.Models;

/// <summary>
/// The int8 stock embedder (<c>--model stock-int8</c>): fr_feature.onnx quantised by <see cref="OnnxQuantizer"/> with the
/// activation ranges pinned in fr_feature-int8-ranges.json (measured on real faces by docs/measure/int8-calibrate.cs).
/// Made locally from the pinned, checksummed stock model on first use and written to the model cache; the quantiser is
/// deterministic, so the file's SHA-256 is pinned too and a file that differs is made again.
/// </summary>
internal static class StockInt8
{
    /// <summary>The name users type.</summary>
    public const string Name = "stock-int8";

    /// <summary>The id stored with its embeddings (its own: galleries never mix it with the float model's).</summary>
    public const string Id = Faces.FaceEmbedder.Id + "-int8";

    /// <summary>The file's name in the model cache.</summary>
    public const string FileName = "fr_feature-int8.onnx";

    /// <summary>SHA-256 of what <see cref="OnnxQuantizer.Quantize"/> makes of the pinned stock model with the pinned ranges.</summary>
    public const string Sha256 = "8cf9ab03993262ccb9f6d559123ae63f7b2a978316fd09567d0d25f6841fccb3";

    private static readonly Lock Gate = new();

    /// <summary>The pinned activation ranges (tensor name to min, max).</summary>
    public static IReadOnlyDictionary<string, (float Min, float Max)> Ranges()
    {
        using var stream = typeof(StockInt8).Assembly.GetManifestResourceStream("fr_feature-int8-ranges.json")
            ?? throw new InvalidOperationException("fr_feature-int8-ranges.json is not embedded in Lookalike.Core");
        using var json = JsonDocument.Parse(stream);
        return json.RootElement.GetProperty("ranges").EnumerateObject()
            .ToDictionary(p => p.Name, p => (p.Value[0].GetSingle(), p.Value[1].GetSingle()), StringComparer.Ordinal);
    }

    /// <summary>The int8 model's bytes, quantised from the stock model in <paramref name="store"/> (fetched if missing).</summary>
    public static byte[] Quantize(ModelStore store)
    {
        store.Ensure(ModelStore.Faceplugin);
        return OnnxQuantizer.Quantize(File.ReadAllBytes(store.PathOf(ModelStore.Faceplugin.Files[2])), Ranges());
    }

    /// <summary>The int8 model's path in the cache, made first if it is missing or not the pinned bytes.</summary>
    /// <exception cref="ModelFetchException">The quantised model is not the pinned bytes (a changed quantiser or ranges).</exception>
    public static string Ensure(ModelStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        var path = Path.Combine(store.Directory, FileName);
        lock (Gate)
        {
            if (File.Exists(path) && ModelStore.Sha256Of(path) == Sha256) return path;
            var bytes = Quantize(store);
            var actual = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));
            if (actual != Sha256)
                throw new ModelFetchException($"the int8 stock embedder quantised here has SHA-256 {actual}, expected {Sha256}: the quantiser or its ranges changed without re-pinning StockInt8.Sha256");
            var temp = path + "." + Guid.NewGuid().ToString("N", System.Globalization.CultureInfo.InvariantCulture) + ".tmp";
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, path, overwrite: true);
            return path;
        }
    }
}
