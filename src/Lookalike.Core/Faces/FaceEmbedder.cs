using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>Turns an aligned 112x112 face into a feature vector.</summary>
public interface IFaceEmbedder
{
    /// <summary>Identifies the model (and pre-processing) that made an embedding; stored beside each one.</summary>
    string ModelId { get; }
    int Dimension { get; }

    /// <summary>The raw (not normalised) embedding of an aligned face.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellation"/> was cancelled.</exception>
    float[] Embed(SKBitmap aligned, CancellationToken cancellation = default);
}

/// <summary>fr_feature.onnx: 512-d embedding of an aligned 112x112 RGB face, input (v - 127) / 128, CHW, batch 1.</summary>
public sealed class FaceEmbedder : IFaceEmbedder, IDisposable
{
    private readonly OnnxModel _model;

    private readonly bool _flip;

    public FaceEmbedder(string modelPath, int threads = 1) : this(modelPath, Id, flip: false, threads) { }

    /// <param name="modelId">Id stored with the embeddings (a fine-tuned copy has its own).</param>
    /// <param name="flip">Flip-TTA: the mean of the face's and its mirror image's embeddings (twice the cost).</param>
    /// <param name="input">How the model wants its face (size, alignment, normalisation); null: the stock model's.</param>
    public FaceEmbedder(string modelPath, string modelId, bool flip, int threads = 1, EmbedderInput? input = null)
    {
        _model = new OnnxModel(modelPath, threads);
        ModelId = modelId;
        _flip = flip;
        Input = input;
        if (input is null) return;
        if (_model.InputLength != 3 * input.Size * input.Size)
            throw new ArgumentException($"{modelPath} takes {_model.InputLength} input values, not the {input.Size}x{input.Size}x3 its model.json describes");
        Dimension = _model.Run(new float[_model.InputLength])[0].Length;
    }

    /// <summary>The model's input description; null for the stock model and its fine-tuned copies (112x112, (v-127)/128, RGB, CHW).</summary>
    public EmbedderInput? Input { get; }

    /// <summary>The id of the stock model, stored beside every embedding it makes.</summary>
    public const string Id = "faceplugin-fr_feature-0.0.1";

    public string ModelId { get; }
    public int Dimension { get; } = 512;

    internal long ModelRuns => _model.Runs;

    public float[] Embed(SKBitmap aligned, CancellationToken cancellation = default)
    {
        if (Input is not null) return EmbedDescribed(aligned, Input, cancellation);
        if (aligned.Width != FaceAligner.Size || aligned.Height != FaceAligner.Size)
            throw new ArgumentException($"embedder needs a {FaceAligner.Size}x{FaceAligner.Size} face, got {aligned.Width}x{aligned.Height}");
        var input = new float[_model.InputLength];
        Tensors.RgbaToChw(aligned, input, mean: 127f, scale: 1 / 128f);
        var embedding = _model.Run(input, cancellation)[0];
        if (!_flip) return embedding;
        MirrorRows(input, FaceAligner.Size);
        // The mean, not the sum: the raw norm stays on the scale the face check's norm threshold was measured on.
        System.Numerics.Tensors.TensorPrimitives.Add(embedding, _model.Run(input, cancellation)[0], embedding);
        System.Numerics.Tensors.TensorPrimitives.Multiply(embedding, 0.5f, embedding);
        return embedding;
    }

    private float[] EmbedDescribed(SKBitmap aligned, EmbedderInput input, CancellationToken cancellation)
    {
        // Given the pipeline's 112x112 ArcFace crop (explain, bench), warp it onto the model's own template; the
        // pipeline itself warps the model's crop from the photo (sharper, and nothing cut off).
        if (aligned.Width == FaceAligner.Size && aligned.Height == FaceAligner.Size && !input.UsesStockCrop)
        {
            using var warped = FaceAligner.Align(aligned, FaceAligner.Template, input.Template, input.Size);
            return EmbedDescribed(warped, input, cancellation);
        }
        if (aligned.Width != input.Size || aligned.Height != input.Size)
            throw new ArgumentException($"embedder {ModelId} needs a {input.Size}x{input.Size} face, got {aligned.Width}x{aligned.Height}");
        var embedding = _model.Run(input.ToTensor(aligned, mirror: false), cancellation)[0];
        if (!_flip) return embedding;
        System.Numerics.Tensors.TensorPrimitives.Add(embedding, _model.Run(input.ToTensor(aligned, mirror: true), cancellation)[0], embedding);
        System.Numerics.Tensors.TensorPrimitives.Multiply(embedding, 0.5f, embedding);
        return embedding;
    }

    /// <summary>Mirrors each row of each plane of a CHW tensor in place (a horizontal flip).</summary>
    private static void MirrorRows(float[] chw, int size)
    {
        for (var row = 0; row < chw.Length / size; row++) chw.AsSpan(row * size, size).Reverse();
    }

    public void Dispose() => _model.Dispose();
}

/// <summary>
/// The face a model wants, from the optional "input" object of a model folder's model.json: a <see cref="Size"/>-pixel
/// square aligned to <see cref="Template"/> (default: the ArcFace template scaled to the size), each channel
/// <c>(v - mean) / std</c> in RGB or BGR order, laid out NCHW or NHWC, batch 1.
/// </summary>
public sealed record EmbedderInput(int Size, bool Nhwc, bool Bgr, float[] Mean, float[] Std, PointF[] Template)
{
    /// <summary>True when the crop is the pipeline's own 112x112 ArcFace-aligned one (no second warp needed).</summary>
    public bool UsesStockCrop => Size == FaceAligner.Size && Template.SequenceEqual(FaceAligner.Template);

    public static PointF[] ScaledTemplate(int size) =>
        [.. FaceAligner.Template.Select(p => new PointF(p.X * size / FaceAligner.Size, p.Y * size / FaceAligner.Size))];

    /// <summary>The model input for an aligned RGBA face, optionally mirrored left-right.</summary>
    public float[] ToTensor(SKBitmap aligned, bool mirror)
    {
        var n = Size;
        var plane = n * n;
        var output = new float[3 * plane];
        ReadOnlySpan<byte> px = aligned.GetPixelSpan();
        for (var y = 0; y < n; y++)
        for (var x = 0; x < n; x++)
        {
            var src = 4 * (y * n + (mirror ? n - 1 - x : x));
            var i = y * n + x;
            for (var c = 0; c < 3; c++)
            {
                var channel = Bgr ? 2 - c : c;
                var v = (px[src + channel] - Mean[c]) / Std[c];
                output[Nhwc ? 3 * i + c : c * plane + i] = v;
            }
        }
        return output;
    }

    public JsonObject ToJson() => new()
    {
        ["size"] = Size,
        ["layout"] = Nhwc ? "NHWC" : "NCHW",
        ["channels"] = Bgr ? "BGR" : "RGB",
        ["mean"] = new JsonArray([.. Mean.Select(v => (JsonNode)v)]),
        ["std"] = new JsonArray([.. Std.Select(v => (JsonNode)v)]),
        ["template"] = new JsonArray([.. Template.Select(p => (JsonNode)new JsonArray(p.X, p.Y))]),
    };

    /// <summary>Reads the "input" object; missing keys take the stock values (112, NCHW, RGB, mean 127, std 128, ArcFace template).</summary>
    /// <exception cref="FormatException">a value is out of range or malformed.</exception>
    public static EmbedderInput FromJson(JsonElement e)
    {
        var size = e.TryGetProperty("size", out var s) ? s.GetInt32() : FaceAligner.Size;
        if (size is < 16 or > 1024) throw new FormatException($"input size {size} is out of range");
        var layout = e.TryGetProperty("layout", out var l) ? l.GetString() : "NCHW";
        var channels = e.TryGetProperty("channels", out var ch) ? ch.GetString() : "RGB";
        if (layout is not ("NCHW" or "NHWC")) throw new FormatException($"input layout '{layout}' must be NCHW or NHWC");
        if (channels is not ("RGB" or "BGR")) throw new FormatException($"input channels '{channels}' must be RGB or BGR");
        var mean = Triple(e, "mean", 127f);
        var std = Triple(e, "std", 128f);
        if (std.Any(v => v == 0)) throw new FormatException("input std must not be 0");
        var template = e.TryGetProperty("template", out var t)
            ? t.EnumerateArray().Select(p => new PointF(p[0].GetSingle(), p[1].GetSingle())).ToArray()
            : ScaledTemplate(size);
        if (template.Length != 5) throw new FormatException($"input template needs 5 points, has {template.Length}");
        return new EmbedderInput(size, layout == "NHWC", channels == "BGR", mean, std, template);
    }

    private static float[] Triple(JsonElement e, string key, float fallback)
    {
        if (!e.TryGetProperty(key, out var v)) return [fallback, fallback, fallback];
        if (v.ValueKind == JsonValueKind.Number) return [v.GetSingle(), v.GetSingle(), v.GetSingle()];
        var values = v.EnumerateArray().Select(x => x.GetSingle()).ToArray();
        return values.Length == 3 ? values : throw new FormatException($"input {key} needs 1 or 3 numbers, has {values.Length}");
    }

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Size}x{Size} {(Nhwc ? "NHWC" : "NCHW")} {(Bgr ? "BGR" : "RGB")} (v-{Mean[0]})/{Std[0]}");
}
