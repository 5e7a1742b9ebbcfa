using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lookalike.Models;

/// <summary>
/// face-api's FaceRecognitionNet (dlib's 150x150 ResNet, 128-d) ships as weights only: its layers are code
/// (src/faceRecognitionNet/FaceRecognitionNet.ts, residualLayer.ts, convLayer.ts, scaleLayer.ts). This writes that
/// code's op sequence as a TFJS graph-model model.json over the package's weight manifest, so <see cref="TfjsToOnnx"/>
/// converts it like any graph model. The input normalisation ((v - mean RGB) / 255) is left to the pre-processing.
/// </summary>
public static class FaceApiGraph
{
    /// <summary>Side in pixels of the square face FaceRecognitionNet takes.</summary>
    public const int InputSize = 150;
    /// <summary>Name of the graph node that holds the 128-d descriptor.</summary>
    public const string OutputNode = "descriptor";

    /// <summary>Writes <c>&lt;name&gt;.graph.json</c> (and its small extra-constants shard) beside the weight manifest; returns its path.</summary>
    public static string WriteRecognitionNet(string weightsManifest)
    {
        var dir = Path.GetDirectoryName(Path.GetFullPath(weightsManifest))!;
        var stem = Path.GetFileNameWithoutExtension(weightsManifest).Replace("-weights_manifest", "", StringComparison.Ordinal);
        JsonArray groups;
        try
        {
            groups = JsonNode.Parse(File.ReadAllText(weightsManifest))!.AsArray();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException)
        {
            throw new TfjsConversionException($"{weightsManifest} is not a TFJS weights manifest: {e.Message}");
        }
        var shapes = groups.SelectMany(g => g!["weights"]!.AsArray())
            .ToDictionary(w => (string)w!["name"]!, w => w!["shape"]!.AsArray().Select(d => (int)d!).ToArray());

        var nodes = new JsonArray();
        var extra = new JsonArray();
        using var extraBytes = new MemoryStream();
        void Node(string name, string op, string[] inputs, JsonObject? attr = null) =>
            nodes.Add(new JsonObject { ["name"] = name, ["op"] = op, ["input"] = new JsonArray([.. inputs.Select(i => (JsonNode)i)]), ["attr"] = attr ?? new JsonObject() });
        void Const(string name)
        {
            if (!shapes.ContainsKey(name)) throw new TfjsConversionException($"{weightsManifest}: weight {name} is missing");
            nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject() });
        }
        void IntConst(string name, int[] shape, int[] values)
        {
            nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject() });
            extra.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]), ["dtype"] = "int32" });
            foreach (var v in values) extraBytes.Write(BitConverter.GetBytes(v));
        }
        static JsonObject Ints(params int[] v) => new() { ["list"] = new JsonObject { ["i"] = new JsonArray([.. v.Select(x => (JsonNode)x.ToString(CultureInfo.InvariantCulture))]) } };
        static JsonObject Str(string v) => new() { ["s"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v)) };

        // convLayer.ts: conv2d (+ bias), then the scale layer (x * weights + biases), then relu if asked.
        (string Name, int Size, int Channels) ConvLayer(string x, int size, string prefix, int stride, bool relu, string padding)
        {
            foreach (var w in new[] { "conv/filters", "conv/bias", "scale/weights", "scale/biases" }) Const($"{prefix}/{w}");
            var k = shapes[$"{prefix}/conv/filters"];
            Node($"{prefix}/conv2d", "Conv2D", [x, $"{prefix}/conv/filters"],
                new JsonObject { ["strides"] = Ints(1, stride, stride, 1), ["padding"] = Str(padding.ToUpperInvariant()), ["data_format"] = Str("NHWC"), ["dilations"] = Ints(1, 1, 1, 1) });
            Node($"{prefix}/bias", "Add", [$"{prefix}/conv2d", $"{prefix}/conv/bias"]);
            Node($"{prefix}/scale", "Mul", [$"{prefix}/bias", $"{prefix}/scale/weights"]);
            Node($"{prefix}/shift", "Add", [$"{prefix}/scale", $"{prefix}/scale/biases"]);
            var output = $"{prefix}/shift";
            if (relu)
            {
                Node($"{prefix}/relu", "Relu", [output]);
                output = $"{prefix}/relu";
            }
            var outSize = padding == "same" ? (size + stride - 1) / stride : (size - k[0]) / stride + 1;
            return (output, outSize, k[3]);
        }

        (string, int, int) Residual(string x, int size, int channels, string prefix)
        {
            var a = ConvLayer(x, size, $"{prefix}/conv1", 1, true, "same");
            var b = ConvLayer(a.Name, a.Size, $"{prefix}/conv2", 1, false, "same");
            Node($"{prefix}/add", "Add", [b.Name, x]);
            Node($"{prefix}/relu", "Relu", [$"{prefix}/add"]);
            return ($"{prefix}/relu", size, channels);
        }

        (string, int, int) ResidualDown(string x, int size, int channels, string prefix)
        {
            var a = ConvLayer(x, size, $"{prefix}/conv1", 2, true, "valid");
            var b = ConvLayer(a.Name, a.Size, $"{prefix}/conv2", 1, false, "same");
            var output = b.Name;
            var pooledSize = (size - 2) / 2 + 1;
            Node($"{prefix}/pool", "AvgPool", [x], new JsonObject { ["ksize"] = Ints(1, 2, 2, 1), ["strides"] = Ints(1, 2, 2, 1), ["padding"] = Str("VALID"), ["data_format"] = Str("NHWC") });
            var pooled = $"{prefix}/pool";
            if (pooledSize != b.Size)
            {
                // residualDown concatenates a row and a column of zeros at the end of the convolution's output.
                if (pooledSize != b.Size + 1) throw new TfjsConversionException($"{prefix}: unexpected sizes {b.Size} vs {pooledSize}");
                IntConst($"{prefix}/pad_hw", [4, 2], [0, 0, 0, 1, 0, 1, 0, 0]);
                Node($"{prefix}/pad_out", "Pad", [output, $"{prefix}/pad_hw"]);
                output = $"{prefix}/pad_out";
            }
            if (b.Channels != channels)
            {
                // ... and zero channels after the pooled shortcut's.
                IntConst($"{prefix}/pad_c", [4, 2], [0, 0, 0, 0, 0, 0, 0, b.Channels - channels]);
                Node($"{prefix}/pad_pool", "Pad", [pooled, $"{prefix}/pad_c"]);
                pooled = $"{prefix}/pad_pool";
            }
            Node($"{prefix}/add", "Add", [pooled, output]);
            Node($"{prefix}/relu", "Relu", [$"{prefix}/add"]);
            return ($"{prefix}/relu", pooledSize, b.Channels);
        }

        nodes.Add(new JsonObject
        {
            ["name"] = "input", ["op"] = "Placeholder",
            ["attr"] = new JsonObject { ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = new JsonArray([.. new[] { -1, InputSize, InputSize, 3 }.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(CultureInfo.InvariantCulture) })]) } } },
        });
        var (x, s, c) = ConvLayer("input", InputSize, "conv32_down", 2, true, "valid");
        Node("maxpool", "MaxPool", [x], new JsonObject { ["ksize"] = Ints(1, 3, 3, 1), ["strides"] = Ints(1, 2, 2, 1), ["padding"] = Str("VALID"), ["data_format"] = Str("NHWC") });
        (x, s) = ("maxpool", (s - 3) / 2 + 1);
        foreach (var block in new[] { "conv32_1", "conv32_2", "conv32_3", "conv64_down", "conv64_1", "conv64_2", "conv64_3", "conv128_down", "conv128_1",
                                      "conv128_2", "conv256_down", "conv256_1", "conv256_2", "conv256_down_out" })
            (x, s, c) = block.EndsWith("down", StringComparison.Ordinal) || block.EndsWith("down_out", StringComparison.Ordinal) ? ResidualDown(x, s, c, block) : Residual(x, s, c, block);
        IntConst("mean_axes", [2], [1, 2]);
        Node("global_avg", "Mean", [x, "mean_axes"], new JsonObject { ["keep_dims"] = new JsonObject { ["b"] = false } });
        Const("fc");
        Node(OutputNode, "MatMul", ["global_avg", "fc"], new JsonObject { ["transpose_a"] = new JsonObject { ["b"] = false }, ["transpose_b"] = new JsonObject { ["b"] = false } });

        var extraFile = stem + "-graph-extra.bin";
        File.WriteAllBytes(Path.Combine(dir, extraFile), extraBytes.ToArray());
        groups.Add(new JsonObject { ["paths"] = new JsonArray(extraFile), ["weights"] = extra });
        var model = new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "Lookalike FaceApiGraph from face-api's FaceRecognitionNet",
            ["modelTopology"] = new JsonObject { ["node"] = nodes },
            ["weightsManifest"] = groups.DeepClone(),
        };
        var path = Path.Combine(dir, stem + ".graph.json");
        File.WriteAllText(path, model.ToJsonString());
        return path;
    }
}
