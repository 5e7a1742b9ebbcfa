using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;

namespace Lookalike.Tests;

/// <summary>
/// TFJS embedders converted to ONNX: the converted graph agrees with the original model run by TensorFlow.js
/// (pure-JS CPU backend, tests/tfjs-reference; face-api's own code for the dlib ResNet) on a real face, runs in the
/// pipeline under its own id, and bad input (unknown op, corrupt shard) is refused with a clear error.
/// </summary>
[Collection(PipelineCollection.Name)]
public class TfjsConversionTests(PipelineFixture fx, ITestOutputHelper log)
{
    private static string Celeb(string person, string file) => Path.Combine(Shared.Set("celebs-24"), "images", person, file);

    private static string ReferenceDir()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "tfjs-reference");
            if (File.Exists(Path.Combine(candidate, "reference.js"))) return candidate;
        }
        throw new DirectoryNotFoundException("tests/tfjs-reference not found above the test binaries");
    }

    /// <summary>Runs the original TFJS model with @tensorflow/tfjs on an NHWC input and returns its output.</summary>
    private static float[] RunTfjs(string modelJson, string outputNode, float[] nhwc, int size) =>
        RunNode(nhwc, "reference.js", modelJson, outputNode, "{in}", $"{size}", $"{size}", "3", "{out}");

    /// <summary>Runs a reference script of tests/tfjs-reference with the input written to {in}; returns what it writes to {out}.</summary>
    private static float[] RunNode(float[] input, params string[] args)
    {
        var dir = ReferenceDir();
        if (!File.Exists(Path.Combine(dir, "node_modules", "@vladmandic", "face-api", "package.json")))
            throw new InvalidOperationException($"run 'npm ci' in {dir} (the test build does it when npm is on PATH)");
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp["in.f32"], System.Runtime.InteropServices.MemoryMarshal.AsBytes(input.AsSpan()).ToArray());
        var psi = new ProcessStartInfo(ModelStore.FindOnPath("node") ?? throw new InvalidOperationException("node is not on PATH"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in args) psi.ArgumentList.Add(a.Replace("{in}", tmp["in.f32"]).Replace("{out}", tmp["out.f32"]));
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"reference.js failed (exit {p.ExitCode}): {stderr.Result} {stdout}");
        var bytes = File.ReadAllBytes(tmp["out.f32"]);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    [Theory]
    [InlineData("mobilefacenet", 192)]
    [InlineData("faceres", 1024)]
    [InlineData("faceres-deep", 1024)]
    public void The_converted_model_agrees_with_the_original_tfjs_model_on_a_real_face(string name, int dimension)
    {
        var model = TfjsEmbedder.Find(name)!;
        var folder = model.Install(fx.Store);
        var input = model.Input;
        // celebs-24 holds aligned 112x112 crops; the pipeline's warp makes the model's own crop from its five points.
        using var photo = ImageLoader.Load(Celeb("Barack_Obama", "1.jpg"));
        var five = fx.Pipeline.Analyze(photo).Largest!.FivePoints;
        using var face = FaceAligner.Align(photo, five, input.Template, input.Size);
        var nchw = input.ToTensor(face, mirror: false);
        var plane = input.Size * input.Size;
        var nhwc = new float[nchw.Length];
        for (var i = 0; i < plane; i++) for (var c = 0; c < 3; c++) nhwc[3 * i + c] = nchw[c * plane + i];

        using var onnx = new OnnxModel(Path.Combine(folder, "embedder.onnx"), threads: 1);
        var converted = onnx.Run(nchw)[0];
        var reference = RunTfjs(model.GraphPath(fx.Store), model.OutputNode, nhwc, input.Size);

        Assert.Equal(dimension, reference.Length);
        Assert.Equal(reference.Length, converted.Length);
        var maxAbs = reference.Zip(converted, (a, b) => Math.Abs(a - b)).Max();
        var scale = reference.Max(Math.Abs);
        var cosine = TensorPrimitives.CosineSimilarity(reference, converted);
        log.WriteLine($"{name}: max |onnx - tfjs| {maxAbs:E2} (largest output {scale:F4}), cosine {cosine:F8}");
        Assert.True(maxAbs < 1e-3 * scale, $"max abs diff {maxAbs} vs output scale {scale}");
        Assert.True(cosine > 0.99999, $"cosine {cosine}");
    }

    /// <summary>face-api's dlib ResNet ships weights only: the graph written from its code must give what face-api computes.</summary>
    [Fact]
    public void The_converted_dlib_resnet_agrees_with_face_api_on_a_real_face()
    {
        var model = TfjsEmbedder.Dlib;
        var folder = model.Install(fx.Store);
        var input = model.Input;
        using var photo = ImageLoader.Load(Celeb("Barack_Obama", "1.jpg"));
        using var face = FaceAligner.Align(photo, fx.Pipeline.Analyze(photo).Largest!.FivePoints, input.Template, input.Size);
        // face-api gets the pixels 0..255 (RGB, NHWC) and normalises them itself; ONNX gets our pre-processing of them.
        var pixels = face.GetPixelSpan();
        var rgb = new float[input.Size * input.Size * 3];
        for (var i = 0; i < rgb.Length / 3; i++) for (var c = 0; c < 3; c++) rgb[3 * i + c] = pixels[4 * i + c];
        using var onnx = new OnnxModel(Path.Combine(folder, "embedder.onnx"), threads: 1);
        var converted = onnx.Run(input.ToTensor(face, mirror: false))[0];
        var reference = RunNode(rgb, "faceapi-reference.js", model.GraphPath(fx.Store), "{in}", $"{input.Size}", "{out}");

        Assert.Equal(128, reference.Length);
        Assert.Equal(128, converted.Length);
        var maxAbs = reference.Zip(converted, (a, b) => Math.Abs(a - b)).Max();
        var scale = reference.Max(Math.Abs);
        var cosine = TensorPrimitives.CosineSimilarity(reference, converted);
        log.WriteLine($"dlib: max |onnx - face-api| {maxAbs:E2} (largest output {scale:F4}), cosine {cosine:F8}");
        Assert.True(maxAbs < 1e-3 * scale, $"max abs diff {maxAbs} vs output scale {scale}");
        Assert.True(cosine > 0.99999, $"cosine {cosine}");
    }

    [Theory]
    [InlineData("faceres", "human-models-faceres-3.0.4", 224, 1024)]
    [InlineData("dlib", "face-api-dlib-1.7.15", 150, 128)]
    public void A_converted_model_runs_in_the_pipeline_on_its_own_crop_under_its_own_id_and_tells_people_apart(string name, string id, int size, int dimension)
    {
        TfjsEmbedder.Find(name)!.Install(fx.Store);
        var choice = EmbedderChoice.Resolve(fx.Store, name);
        Assert.Equal(id, choice.Id);
        Assert.Equal(size, choice.Input!.Size);
        using var pipeline = new FacePipeline(fx.Store, new PipelineOptions { Embedder = choice });
        Assert.Equal(dimension, pipeline.Dimension);
        Face Largest(string person, string file) => pipeline.Analyze(Celeb(person, file)).Largest ?? throw new Xunit.Sdk.XunitException($"no face in {person}/{file}");
        var obama = Largest("Barack_Obama", "1.jpg");
        var obama2 = Largest("Barack_Obama", "105.jpg");
        var other = Largest("Daniel_Radcliffe", Path.GetFileName(OtherPath()));
        Assert.Equal(dimension, obama.Embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(obama.Embedding.Sum(v => (double)v * v)), 4);
        var same = Verification.Similarity(obama, obama2);
        var different = Verification.Similarity(obama, other);
        log.WriteLine($"{name}: same {same:F3}, different {different:F3}, verdict at {choice.Calibration.Threshold}");
        Assert.True(same > different + 0.1, $"same-person cosine {same:F3} should clearly beat a different person's {different:F3}");
        // Its own calibration (calibration.json written at install), so the verdict is on its cosine scale, not the stock one's 0.43.
        Assert.Equal(id, choice.Calibration.ModelId);
        Assert.True(choice.Calibration.Same(same) && !choice.Calibration.Same(different),
            $"verdict threshold {choice.Calibration.Threshold}: same {same:F3}, different {different:F3}");
        Assert.True(choice.Calibration.Probability(same) > 0.9 && choice.Calibration.Probability(different) < 0.1);
        var compare = Cli.Json("compare", Celeb("Barack_Obama", "1.jpg"), OtherPath(), "--model", name);
        Assert.False(compare.GetProperty("same").GetBoolean(), $"compare --model {name}: {compare}");
        Assert.Equal(choice.Calibration.Threshold, compare.GetProperty("threshold").GetDouble(), 4);
    }

    private static string OtherPath() => Directory.EnumerateFiles(Path.Combine(Shared.Set("celebs-24"), "images", "Daniel_Radcliffe")).Order(StringComparer.Ordinal).First();

    /// <summary>
    /// The supported ops neither face model uses (Pad, fused Prelu and Relu6, MaxPool, AvgPool, Neg, ConcatV2, plain
    /// Conv2D + BiasAdd, Tanh, Relu6, Reshape of an image tensor, MatMul, Sqrt, RealDiv) in one small random graph:
    /// the ONNX conversion must give TFJS's numbers, which also checks the NHWC → NCHW bookkeeping (Reshape flattens
    /// in TF's order).
    /// </summary>
    [Fact]
    public void A_small_graph_of_the_other_supported_ops_agrees_with_tfjs()
    {
        using var tmp = new TempDir();
        var random = new Random(7);
        var nodes = new JsonArray();
        var weights = new JsonArray();
        using var bin = new MemoryStream();
        static JsonObject Ints(params long[] v) => new() { ["list"] = new JsonObject { ["i"] = new JsonArray([.. v.Select(x => (JsonNode)x.ToString(System.Globalization.CultureInfo.InvariantCulture))]) } };
        static JsonObject Str(string v) => new() { ["s"] = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(v)) };
        static JsonObject Strs(params string[] v) => new() { ["list"] = new JsonObject { ["s"] = new JsonArray([.. v.Select(x => (JsonNode)Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(x)))]) } };
        void Node(string name, string op, string[] inputs, JsonObject? attr = null) =>
            nodes.Add(new JsonObject { ["name"] = name, ["op"] = op, ["input"] = new JsonArray([.. inputs.Select(i => (JsonNode)i)]), ["attr"] = attr ?? new JsonObject() });
        void Const(string name, int[] shape, float[]? values = null, int[]? ints = null)
        {
            var dtype = ints is null ? "float32" : "int32";
            nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject { ["dtype"] = new JsonObject { ["type"] = ints is null ? "DT_FLOAT" : "DT_INT32" } } });
            weights.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray([.. shape.Select(d => (JsonNode)d)]), ["dtype"] = dtype });
            var count = shape.Aggregate(1, (a, b) => a * b);
            for (var i = 0; i < count; i++)
                bin.Write(ints is null ? BitConverter.GetBytes(values?[i] ?? (float)(random.NextDouble() * 2 - 1)) : BitConverter.GetBytes(ints[i]));
        }
        JsonObject Conv(string padding, long stride, params string[] fused)
        {
            var a = new JsonObject { ["padding"] = Str(padding), ["strides"] = Ints(1, stride, stride, 1), ["data_format"] = Str("NHWC"), ["dilations"] = Ints(1, 1, 1, 1) };
            if (fused.Length > 0) { a["fused_ops"] = Strs(fused); a["num_args"] = new JsonObject { ["i"] = fused.Count(f => f is "BiasAdd" or "Prelu").ToString(System.Globalization.CultureInfo.InvariantCulture) }; }
            return a;
        }
        JsonObject Pool(string padding, long k) => new() { ["padding"] = Str(padding), ["ksize"] = Ints(1, k, k, 1), ["strides"] = Ints(1, 1, 1, 1), ["data_format"] = Str("NHWC") };

        nodes.Add(new JsonObject { ["name"] = "x", ["op"] = "Placeholder", ["attr"] = new JsonObject { ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = new JsonArray([.. new[] { -1, 8, 8, 3 }.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) })]) } } } });
        Const("paddings", [4, 2], ints: [0, 0, 1, 1, 1, 1, 0, 0]);
        Node("pad", "Pad", ["x", "paddings"]);
        Const("w1", [3, 3, 3, 4]); Const("b1", [4]); Const("alpha", [4]);
        Node("c1", "_FusedConv2D", ["pad", "w1", "b1", "alpha"], Conv("VALID", 1, "BiasAdd", "Prelu"));
        Const("dw", [3, 3, 4, 2]); Const("db", [8]);
        Node("d1", "FusedDepthwiseConv2dNative", ["c1", "dw", "db"], Conv("SAME", 2, "BiasAdd", "Relu6"));
        Node("mp", "MaxPool", ["d1"], Pool("SAME", 2));
        Node("ap", "AvgPool", ["mp"], Pool("SAME", 3));
        Node("ng", "Neg", ["ap"]);
        Const("axis", [], ints: [3]);
        Node("cat", "ConcatV2", ["ap", "ng", "axis"]);
        Const("w2", [1, 1, 16, 6]); Const("b2", [6]);
        Node("c2", "Conv2D", ["cat", "w2"], Conv("SAME", 1));
        Node("ba", "BiasAdd", ["c2", "b2"]);
        Node("th", "Tanh", ["ba"]);
        Const("ten", [], values: [10f]);
        Node("m10", "Mul", ["th", "ten"]);
        Node("r6", "Relu6", ["m10"]);
        Const("shape", [2], ints: [1, -1]);
        Node("flat", "Reshape", ["r6", "shape"]);
        Const("wm", [4 * 4 * 6, 5]);
        Node("mm", "MatMul", ["flat", "wm"], new JsonObject { ["transpose_a"] = new JsonObject { ["b"] = false }, ["transpose_b"] = new JsonObject { ["b"] = false } });
        Node("abs", "Abs", ["mm"]);
        Node("sqrt", "Sqrt", ["abs"]);
        Const("two", [], values: [2f]);
        Node("div", "RealDiv", ["sqrt", "two"]);
        Node("out", "Identity", ["div"]);
        var model = new JsonObject
        {
            ["format"] = "graph-model",
            ["modelTopology"] = new JsonObject { ["node"] = nodes, ["library"] = new JsonObject(), ["versions"] = new JsonObject() },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray("w.bin"), ["weights"] = weights }),
        };
        File.WriteAllText(tmp["model.json"], model.ToJsonString());
        File.WriteAllBytes(tmp["w.bin"], bin.ToArray());

        var nhwc = Enumerable.Range(0, 8 * 8 * 3).Select(_ => (float)(random.NextDouble() * 2 - 1)).ToArray();
        var nchw = new float[nhwc.Length];
        for (var i = 0; i < 64; i++) for (var c = 0; c < 3; c++) nchw[c * 64 + i] = nhwc[3 * i + c];
        File.WriteAllBytes(tmp["model.onnx"], TfjsToOnnx.Convert(tmp["model.json"], "out"));
        using var onnx = new OnnxModel(tmp["model.onnx"], threads: 1);
        var converted = onnx.Run(nchw)[0];
        var reference = RunTfjs(tmp["model.json"], "out", nhwc, 8);
        Assert.Equal(5, reference.Length);
        var maxAbs = reference.Zip(converted, (a, b) => Math.Abs(a - b)).Max();
        log.WriteLine($"synthetic graph: tfjs [{string.Join(", ", reference.Select(v => v.ToString("F5")))}], max |onnx - tfjs| {maxAbs:E2}");
        Assert.True(reference.Any(v => v > 0.1), "the graph's output should not be trivially zero");
        Assert.True(maxAbs < 1e-4, $"max abs diff {maxAbs}");
    }

    [Fact]
    public void An_unknown_op_or_a_corrupt_shard_is_refused_with_a_message_naming_it()
    {
        var model = TfjsEmbedder.MobileFaceNet;
        model.Install(fx.Store);
        var graph = model.GraphPath(fx.Store);
        using var tmp = new TempDir();
        var json = JsonNode.Parse(File.ReadAllText(graph))!;
        var node = json["modelTopology"]!["node"]!.AsArray().First(n => (string?)n!["op"] == "Rsqrt")!;
        node["op"] = "Erfinv";
        File.WriteAllText(tmp["m/model.json"].EnsureDir(), json.ToJsonString());
        File.Copy(Path.ChangeExtension(graph, ".bin"), tmp["m/mobilefacenet.bin"]);
        var e = Assert.Throws<TfjsConversionException>(() => TfjsToOnnx.Convert(tmp["m/model.json"], model.OutputNode));
        Assert.Contains("unsupported TFJS op(s) Erfinv", e.Message);

        tmp.Copy(graph, "t/model.json");
        var bin = File.ReadAllBytes(Path.ChangeExtension(graph, ".bin"));
        File.WriteAllBytes(tmp["t/mobilefacenet.bin"], bin[..^1000]);
        e = Assert.Throws<TfjsConversionException>(() => TfjsToOnnx.Convert(tmp["t/model.json"], model.OutputNode));
        Assert.Contains("corrupt or truncated shard", e.Message);

        e = Assert.Throws<TfjsConversionException>(() => TfjsToOnnx.Convert(graph, "no/such/node"));
        Assert.Contains("no node named 'no/such/node'", e.Message);
    }
}

internal static class PathExtensions
{
    public static string EnsureDir(this string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return path;
    }
}
