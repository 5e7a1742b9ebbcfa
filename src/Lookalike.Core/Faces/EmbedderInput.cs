using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using SkiaSharp;

namespace Lookalike.Faces;

/// <summary>
/// The face a model wants, from the optional "input" object of a model folder's model.json: a <see cref="Size"/>-pixel
/// square aligned to <see cref="Template"/> (default: the ArcFace template scaled to the size), each channel
/// <c>(v - mean) / std</c> in RGB or BGR order, laid out NCHW or NHWC, batch 1.
/// </summary>
public sealed record EmbedderInput(int Size, bool Nhwc, bool Bgr, float[] Mean, float[] Std, PointF[] Template)
{
    /// <summary>True when the crop is the pipeline's own 112x112 ArcFace-aligned one (no second warp needed).</summary>
    public bool UsesStockCrop => Size == FaceAligner.Size && Template.SequenceEqual(FaceAligner.Template);

    /// <summary>The ArcFace five-point template (<see cref="FaceAligner.Template"/>) scaled from 112 to a <paramref name="size"/>-pixel square.</summary>
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

    /// <summary>The "input" object of model.json that <see cref="FromJson"/> reads back (all keys written).</summary>
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

    /// <summary>A one-line description, e.g. "112x112 NCHW RGB (v-127)/128" (first channel's mean and std).</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Size}x{Size} {(Nhwc ? "NHWC" : "NCHW")} {(Bgr ? "BGR" : "RGB")} (v-{Mean[0]})/{Std[0]}");
}
