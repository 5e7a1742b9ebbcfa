using System.Diagnostics;
using System.Numerics.Tensors;
using System.Text.Json.Nodes;
using Lookalike.Faces;
using Lookalike.Imaging;
using Lookalike.Models;

namespace Lookalike.Tests;

/// <summary>
/// TFJS embedders converted to ONNX: the converted graph agrees with the original model run by TensorFlow.js
/// (pure-JS CPU backend, tests/tfjs-reference) on a real face, runs in the pipeline under its own id, and bad input
/// (unknown op, corrupt shard) is refused with a clear error.
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
    private static float[] RunTfjs(string modelJson, string outputNode, float[] nhwc, int size)
    {
        var dir = ReferenceDir();
        if (!File.Exists(Path.Combine(dir, "node_modules", "@tensorflow", "tfjs", "package.json")))
            throw new InvalidOperationException($"run 'npm ci' in {dir} (the test build does it when npm is on PATH)");
        using var tmp = new TempDir();
        File.WriteAllBytes(tmp["in.f32"], System.Runtime.InteropServices.MemoryMarshal.AsBytes(nhwc.AsSpan()).ToArray());
        var psi = new ProcessStartInfo(ModelStore.FindOnPath("node") ?? throw new InvalidOperationException("node is not on PATH"))
        {
            WorkingDirectory = dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var a in new[] { "reference.js", modelJson, outputNode, tmp["in.f32"], $"{size}", $"{size}", "3", tmp["out.f32"] }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"reference.js failed: {stderr.Result}");
        var bytes = File.ReadAllBytes(tmp["out.f32"]);
        return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    [Theory]
    [InlineData("mobilefacenet", 192)]
    [InlineData("faceres", 1024)]
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

    [Fact]
    public void Faceres_runs_in_the_pipeline_on_its_own_224_pixel_crop_under_its_own_id_and_tells_people_apart()
    {
        TfjsEmbedder.FaceRes.Install(fx.Store);
        var choice = EmbedderChoice.Resolve(fx.Store, "faceres");
        Assert.Equal("human-models-faceres-3.0.4", choice.Id);
        Assert.Equal(224, choice.Input!.Size);
        using var pipeline = new FacePipeline(fx.Store, new PipelineOptions { Embedder = choice });
        Assert.Equal(1024, pipeline.Dimension);
        Face Largest(string person, string file) => pipeline.Analyze(Celeb(person, file)).Largest ?? throw new Xunit.Sdk.XunitException($"no face in {person}/{file}");
        var obama = Largest("Barack_Obama", "1.jpg");
        var obama2 = Largest("Barack_Obama", "105.jpg");
        var other = Largest("Daniel_Radcliffe", Path.GetFileName(Directory.EnumerateFiles(Path.Combine(Shared.Set("celebs-24"), "images", "Daniel_Radcliffe")).Order(StringComparer.Ordinal).First()));
        Assert.Equal(1024, obama.Embedding.Length);
        Assert.Equal(1.0, Math.Sqrt(obama.Embedding.Sum(v => (double)v * v)), 4);
        var same = Verification.Similarity(obama, obama2);
        var different = Verification.Similarity(obama, other);
        log.WriteLine($"same {same:F3}, different {different:F3}");
        Assert.True(same > different + 0.1, $"same-person cosine {same:F3} should clearly beat a different person's {different:F3}");
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
